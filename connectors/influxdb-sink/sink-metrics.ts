import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRIC } from '../../lib/runtime/metric-names.js';
import { TallyHistogram } from './tally-histogram.js';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600, 7200];

/**
 * The sink's metrics, named by lib/runtime/metric-names.ts (the dashboards read the same names).
 * Consumer lag comes from the shared lag reporter (lib/runtime/lag-reporter.ts).
 *
 * @example
 *   const metrics = createSinkMetrics(ctx.registry);
 *   metrics.pointsWritten.inc({ measurement: 'environment' }, 5000);
 */
export function createSinkMetrics(registry: Registry) {
  const registers = [registry];
  const m = METRIC;
  return {
    recordsIn: new Counter({
      name: m.recordsIn.name,
      help: m.recordsIn.help,
      labelNames: m.recordsIn.labels,
      registers,
    }),
    recordsOut: new Counter({
      name: m.recordsOut.name,
      help: m.recordsOut.help,
      labelNames: m.recordsOut.labels,
      registers,
    }),
    deadLetters: new Counter({
      name: m.deadLetters.name,
      help: m.deadLetters.help,
      labelNames: m.deadLetters.labels,
      registers,
    }),
    /** Per record: `record()` tallies locally, read by prom-client when scraped. */
    processingSeconds: new TallyHistogram({
      name: m.processingSeconds.name,
      help: m.processingSeconds.help,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    /** Per record: `record(seconds, topic)`. */
    endToEndSeconds: new TallyHistogram({
      name: m.endToEndSeconds.name,
      help: `${m.endToEndSeconds.help}; by topic (a window result's event time is its window start)`,
      labelNames: ['topic'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    pointsWritten: new Counter({
      name: m.sinkPointsWritten.name,
      help: m.sinkPointsWritten.help,
      labelNames: m.sinkPointsWritten.labels,
      registers,
    }),
    batches: new Counter({
      name: m.sinkBatches.name,
      help: m.sinkBatches.help,
      labelNames: m.sinkBatches.labels,
      registers,
    }),
    retries: new Counter({
      name: m.sinkWriteRetries.name,
      help: m.sinkWriteRetries.help,
      labelNames: m.sinkWriteRetries.labels,
      registers,
    }),
    writeSeconds: new Histogram({
      name: m.sinkWriteSeconds.name,
      help: m.sinkWriteSeconds.help,
      labelNames: m.sinkWriteSeconds.labels,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    bufferPoints: new Gauge({ name: m.sinkBufferPoints.name, help: m.sinkBufferPoints.help, registers }),
    bufferCapacity: new Gauge({ name: m.sinkBufferCapacity.name, help: m.sinkBufferCapacity.help, registers }),
    fetchPaused: new Gauge({ name: m.sinkFetchPaused.name, help: m.sinkFetchPaused.help, registers }),
    influxUp: new Gauge({ name: m.sinkInfluxUp.name, help: m.sinkInfluxUp.help, registers }),
  };
}

export type SinkMetrics = ReturnType<typeof createSinkMetrics>;

/** The retry reason label: `network`, `429`, or the status class (`5xx`). */
export function retryReason(status: number | undefined): string {
  if (status === undefined) return 'network';
  if (status === 429) return '429';
  return `${Math.floor(status / 100)}xx`;
}
