import { Counter, Histogram, type Metric, type Registry } from 'prom-client';
import { METRIC, type MetricSpec } from '../../../lib/runtime/metric-names.js';

type Labels = Record<string, string | number>;

interface Sample {
  labels: Labels;
  value: number;
  metricName?: string;
}

/** What prom-client's registry reads of a metric: `get()` returning this shape. */
interface Snapshot {
  name: string;
  help: string;
  type: MetricSpec['type'];
  aggregator: 'sum';
  values: Sample[];
}

/**
 * A read-only view of one of the stream runtime's metrics under a catalogue name
 * (lib/runtime/metric-names.ts), with its labels mapped (and summed over what the mapping drops).
 * The runtime counts records, late records, dead letters and restores with its own names and an
 * `application` label; the dashboards read the catalogue's, so both are exported.
 */
class AliasMetric {
  readonly aggregator = 'sum' as const;
  constructor(
    private readonly registry: Registry,
    private readonly source: string,
    readonly name: string,
    readonly help: string,
    readonly type: MetricSpec['type'],
    private readonly mapLabels: (labels: Labels) => Labels,
  ) {}

  async get(): Promise<Snapshot> {
    const source = this.registry.getSingleMetric(this.source);
    const summed = new Map<string, Sample>();
    if (source) {
      const got = (await source.get()) as unknown as { values: Sample[] };
      for (const v of got.values) {
        const labels: Labels = { ...this.mapLabels(v.labels as Labels) };
        if ('le' in v.labels && v.labels.le !== undefined) labels.le = v.labels.le;
        const metricName = v.metricName?.replace(this.source, this.name);
        const id = `${metricName ?? ''}|${JSON.stringify(Object.entries(labels).sort())}`;
        const prev = summed.get(id);
        if (prev) prev.value += v.value;
        else summed.set(id, { labels, value: v.value, ...(metricName ? { metricName } : {}) });
      }
    }
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: [...summed.values()],
    };
  }
}

function alias(registry: Registry, source: string, spec: MetricSpec, map: (l: Labels) => Labels): void {
  if (registry.getSingleMetric(spec.name)) return;
  const metric = new AliasMetric(registry, source, spec.name, spec.help, spec.type, map);
  // A duck-typed collector: the registry only calls name/help/type/get() of what it holds.
  registry.registerMetric(metric as unknown as Metric);
}

/** The catalogue metrics a topology worker observes itself (the rest are aliases of the runtime's). */
export interface TopologyMetrics {
  /** Wall clock at output minus the event time the output stands for (window end, reading ts). */
  endToEndSeconds: Histogram;
  anomalies: Counter<'kind' | 'detector'>;
  /** Device states the detect step evicted to stay within detectors.defaults.maxDeviceStates. */
  stateEvictions: Counter<'store'>;
  /** Copies of a reading (same deviceId and ts) the dedupe step dropped, by reading type. */
  duplicateReadings: Counter<'type'>;
}

/**
 * Registers the catalogue's streams metrics on a worker's registry: records in/out by topic, dead
 * letters by reason (the failing stage), late records and restored records by store, processing
 * time (the runtime's per-record process latency) as aliases; end-to-end latency and anomalies as
 * metrics of their own. Call once per registry.
 *
 * @example
 *   const m = topologyMetrics(ctx.registry);
 *   m.anomalies.inc({ kind: 'SPIKE', detector: 'spike-dip' });
 */
export function topologyMetrics(registry: Registry): TopologyMetrics {
  const byTopic = (l: Labels) => ({ topic: l.topic ?? '' });
  alias(registry, 'iotp_streams_records_in_total', METRIC.recordsIn, byTopic);
  alias(registry, 'iotp_streams_records_out_total', METRIC.recordsOut, byTopic);
  alias(registry, 'iotp_streams_dlq_records_total', METRIC.deadLetters, (l) => ({ reason: l.reason ?? '' }));
  alias(registry, 'iotp_streams_late_records_total', METRIC.lateRecords, (l) => ({ store: l.step ?? '' }));
  alias(registry, 'iotp_streams_restored_records_total', METRIC.stateRestoredRecords, (l) => ({
    store: l.store ?? '',
  }));
  alias(registry, 'iotp_streams_process_latency_seconds', METRIC.processingSeconds, () => ({}));
  const existing = registry.getSingleMetric(METRIC.endToEndSeconds.name);
  const endToEndSeconds =
    (existing as Histogram | undefined) ??
    new Histogram({
      name: METRIC.endToEndSeconds.name,
      help: METRIC.endToEndSeconds.help,
      buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600],
      registers: [registry],
    });
  const anomalies =
    (registry.getSingleMetric(METRIC.anomalies.name) as Counter<'kind' | 'detector'> | undefined) ??
    new Counter({
      name: METRIC.anomalies.name,
      help: METRIC.anomalies.help,
      labelNames: ['kind', 'detector'],
      registers: [registry],
    });
  const stateEvictions =
    (registry.getSingleMetric('iotp_detect_state_evictions_total') as Counter<'store'> | undefined) ??
    new Counter({
      name: 'iotp_detect_state_evictions_total',
      help: 'Device states the detect step evicted (least recently updated first) to stay within detectors.defaults.maxDeviceStates; an evicted device starts learning again',
      labelNames: ['store'],
      registers: [registry],
    });
  const duplicateReadings =
    (registry.getSingleMetric('iotp_streams_duplicate_readings_total') as Counter<'type'> | undefined) ??
    new Counter({
      name: 'iotp_streams_duplicate_readings_total',
      help: 'Copies of a reading (same deviceId and ts as one already processed, e.g. redelivered by the at-least-once MQTT source after a crash) the dedupe step dropped (streams.dedupe)',
      labelNames: ['type'],
      registers: [registry],
    });
  return { endToEndSeconds, anomalies, stateEvictions, duplicateReadings };
}
