import { StreamsBuilder } from '../../runtime/dsl/streams-builder.js';
import { Materialized } from '../../runtime/materialized.js';
import type { Processor, ProcessorContext } from '../../runtime/processor/processor.js';
import type { StreamRecord } from '../../runtime/record.js';
import { type Serde, Serdes } from '../../runtime/serde.js';
import type { Topology } from '../../runtime/topology/topology.js';
import { Suppressed } from '../../runtime/windows/suppressed.js';
import { TimeWindows } from '../../runtime/windows/time-windows.js';
import type { Windowed } from '../../runtime/windows/window.js';
import { dedupeReadings } from '../shared/dedupe-readings.js';
import { type ReadingValues, readingValues } from '../shared/reading-values.js';
import type { TopologyRoute } from '../shared/topology-route.js';
import {
  addReading,
  newWindowAccumulator,
  toWindowResult,
  type WindowAccumulator,
  type WindowResult,
  windowAccumulatorSerde,
} from './window-accumulator.js';

/**
 * One event-time window of the aggregator as the topology needs it (durations in ms).
 *
 * @example { name: '1m', sizeMs: 60_000, graceMs: 10_000, topic: 'telemetry.environment.agg.1m' }
 */
export interface AggregateWindow {
  /** In store and topic names: `<type>-<name>`, `<reading topic>.agg.<name>`. */
  name: string;
  sizeMs: number;
  graceMs: number;
  /** Hopping windows advance by this much (omit for tumbling). */
  hopMs?: number;
  /** Store retention; default size + grace. */
  retentionMs?: number;
  /** Output topic of this route's results for this window. */
  topic: string;
}

export interface AggregateTopologyOptions {
  routes: readonly { route: TopologyRoute; windows: readonly AggregateWindow[] }[];
  /** Reads a reading record (Avro in production). */
  readingSerde(route: TopologyRoute): Serde<unknown>;
  /** Writes a window result to `topic` (Avro in production). */
  resultSerde(topic: string): Serde<WindowResult>;
  /** Keep p50/p95/p99 sketches (default true). */
  percentiles?: boolean;
  /** Called with each final result and the wall-clock ms at emission (the end-to-end latency metric). */
  onResult?(result: WindowResult, wallClockMs: number): void;
  /**
   * Count each reading (deviceId, ts) once: a copy (an at-least-once redelivery) is dropped before
   * the windows by the step `<type>-dedupe` (default true; see dedupe-readings.ts).
   */
  dedupe?: boolean;
  /** Called for each copy the dedupe step dropped (the metric and the debug log). */
  onDuplicate?(type: string, deviceId: string, ts: number): void;
}

/** Turns a closed window's accumulator into the window-result record, keyed by deviceId. */
class ResultProcessor implements Processor<Windowed<string>, WindowAccumulator, string, WindowResult> {
  private ctx!: ProcessorContext<string, WindowResult>;

  constructor(
    private readonly route: TopologyRoute,
    private readonly onResult: AggregateTopologyOptions['onResult'],
  ) {}

  init(context: ProcessorContext<string, WindowResult>): void {
    this.ctx = context;
  }

  process(record: StreamRecord<Windowed<string>, WindowAccumulator>): void {
    const { key, window } = record.key;
    const result = toWindowResult(key, window, record.value, {
      type: this.route.type,
      tags: this.route.tags,
      fieldOrder: this.route.fields,
    });
    this.onResult?.(result, this.ctx.currentSystemTimeMs());
    this.ctx.forward({ key, value: result, timestamp: record.timestamp, headers: {} });
  }
}

/** Store (and step) name of a route's window: `<type>-<window name>`, e.g. `environment-1m`. */
export function aggregateStoreName(type: string, windowName: string): string {
  return `${type}-${windowName}`;
}

/**
 * The aggregate topology: for every reading route and every window, per device (the record key)
 * and every numeric field the schema declares, one FINAL window result when the window closes
 * (stream time ≥ end + grace): count, min, max, mean, sum, stddev, first, last, p50/p95/p99.
 * Readings are parsed once per route (`<type>-values`: a bad value dead-letters the record before
 * any window sees it), copies of a reading already counted (same deviceId and ts, e.g. redelivered
 * by the at-least-once MQTT source) are dropped (`<type>-dedupe`, store `<type>-seen`, unless
 * `dedupe: false`), then fan out to one windowed aggregation per window. Records too late for a
 * window go to the runtime's late-records topic (once per window step that refused them).
 * Results carry the window START as their record timestamp (the runtime's convention; the InfluxDB
 * sink also stamps window points with windowStart).
 *
 * @example
 *   const topology = aggregateTopology({
 *     routes: [{ route, windows: [{ name: '1m', sizeMs: 60_000, graceMs: 10_000, topic: 'telemetry.environment.agg.1m' }] }],
 *     readingSerde: () => avroReadingSerde, resultSerde: (topic) => avroResultSerde(topic),
 *   });
 */
export function aggregateTopology(options: AggregateTopologyOptions): Topology {
  const builder = new StreamsBuilder();
  const percentiles = options.percentiles ?? true;
  for (const { route, windows } of options.routes) {
    const fields = route.fields;
    const values = builder
      .stream<string, unknown>(
        route.topic,
        {
          keySerde: Serdes.string(),
          valueSerde: options.readingSerde(route),
          timestampExtractor: (_raw, v) => readingTime(v, route.timeField),
        },
        `${route.type}-readings`,
      )
      .mapValues((v) => readingValues(v, fields, route.timeField), `${route.type}-values`);
    const once =
      (options.dedupe ?? true) && windows.length > 0
        ? dedupeReadings(builder, values, {
            type: route.type,
            horizonMs: dedupeHorizonMs(windows),
            ...(options.onDuplicate ? { onDuplicate: options.onDuplicate } : {}),
          })
        : values;
    for (const w of windows) {
      const store = aggregateStoreName(route.type, w.name);
      let windowsSpec = TimeWindows.ofSizeAndGrace(w.sizeMs, w.graceMs);
      if (w.hopMs !== undefined && w.hopMs !== w.sizeMs) windowsSpec = windowsSpec.advanceBy(w.hopMs);
      let materialized = Materialized.as<string, WindowAccumulator>(store)
        .withKeySerde(Serdes.string())
        .withValueSerde(windowAccumulatorSerde);
      if (w.retentionMs !== undefined) materialized = materialized.withRetention(w.retentionMs);
      once
        .groupByKey({ keySerde: Serdes.string() })
        .windowedBy(windowsSpec)
        .aggregate<WindowAccumulator>(
          newWindowAccumulator,
          (_key, reading: ReadingValues, acc) => addReading(acc, fields, reading, percentiles),
          materialized,
        )
        .suppress(Suppressed.untilWindowCloses())
        .toStream()
        .process<string, WindowResult>(() => new ResultProcessor(route, options.onResult), { name: `${store}-result` })
        .to(w.topic, { keySerde: Serdes.string(), valueSerde: options.resultSerde(w.topic), name: `${store}-out` });
    }
  }
  return builder.build();
}

/**
 * How far behind a device's latest reading the dedupe step still recognizes a copy: the largest
 * size + grace of the windows. An older reading is late for every window (stream time >= the
 * device's latest > its window end + grace), so it needs no entry.
 */
export function dedupeHorizonMs(windows: readonly Pick<AggregateWindow, 'sizeMs' | 'graceMs'>[]): number {
  return Math.max(...windows.map((w) => w.sizeMs + w.graceMs));
}

/** The event time of a decoded reading (its `ts`); -1 (invalid: dead-lettered by the runtime) if absent. */
export function readingTime(value: unknown, timeField: string): number {
  const ts = (value as Record<string, unknown> | null)?.[timeField];
  return typeof ts === 'number' ? ts : -1;
}
