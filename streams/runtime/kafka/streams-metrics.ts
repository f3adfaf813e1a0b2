import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The runtime's Prometheus metrics; labels derive from the application id, topics and step names. */
export interface StreamsMetrics {
  recordsIn: Counter<'application' | 'topic'>;
  recordsOut: Counter<'application' | 'topic'>;
  late: Counter<'application' | 'step'>;
  deadLetters: Counter<'application' | 'stage' | 'step' | 'reason'>;
  processLatency: Histogram<'application'>;
  commitLatency: Histogram<'application'>;
  commits: Counter<'application' | 'guarantee'>;
  transactionRetries: Counter<'application'>;
  restoredRecords: Counter<'application' | 'store'>;
  restoreProgress: Gauge<'application' | 'store' | 'partition'>;
  lag: Gauge<'application' | 'topic' | 'partition'>;
  streamTime: Gauge<'application' | 'partition'>;
  tasks: Gauge<'application'>;
}

const cache = new WeakMap<Registry, StreamsMetrics>();

/** The metrics of a registry (made once per registry, shared by runtimes in one process). */
export function streamsMetrics(registry: Registry): StreamsMetrics {
  const found = cache.get(registry);
  if (found) return found;
  const registers = [registry];
  const m: StreamsMetrics = {
    recordsIn: new Counter({
      name: 'iotp_streams_records_in_total',
      help: 'Records read from source topics',
      labelNames: ['application', 'topic'],
      registers,
    }),
    recordsOut: new Counter({
      name: 'iotp_streams_records_out_total',
      help: 'Records written to sink topics',
      labelNames: ['application', 'topic'],
      registers,
    }),
    late: new Counter({
      name: 'iotp_streams_late_records_total',
      help: 'Records later than the grace period (sent to the late-records topic)',
      labelNames: ['application', 'step'],
      registers,
    }),
    deadLetters: new Counter({
      name: 'iotp_streams_dlq_records_total',
      help: 'Records sent to the dead-letter topic (reason: the error.reason code)',
      labelNames: ['application', 'stage', 'step', 'reason'],
      registers,
    }),
    processLatency: new Histogram({
      name: 'iotp_streams_process_latency_seconds',
      help: 'Time to process one input record through the topology',
      labelNames: ['application'],
      buckets: [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1],
      registers,
    }),
    commitLatency: new Histogram({
      name: 'iotp_streams_commit_latency_seconds',
      help: 'Time of one task commit (send outputs + changelog + offsets)',
      labelNames: ['application'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    commits: new Counter({
      name: 'iotp_streams_commits_total',
      help: 'Task commits',
      labelNames: ['application', 'guarantee'],
      registers,
    }),
    transactionRetries: new Counter({
      name: 'iotp_streams_transaction_retries_total',
      help: 'Transactions aborted after a failure before their commit and sent again (exactly_once)',
      labelNames: ['application'],
      registers,
    }),
    restoredRecords: new Counter({
      name: 'iotp_streams_restored_records_total',
      help: 'Changelog records replayed into stores',
      labelNames: ['application', 'store'],
      registers,
    }),
    restoreProgress: new Gauge({
      name: 'iotp_streams_restore_progress_ratio',
      help: 'Share of a store changelog partition restored (1 = done)',
      labelNames: ['application', 'store', 'partition'],
      registers,
    }),
    lag: new Gauge({
      name: 'iotp_streams_consumer_lag',
      help: 'High watermark minus next offset to process',
      labelNames: ['application', 'topic', 'partition'],
      registers,
    }),
    streamTime: new Gauge({
      name: 'iotp_streams_stream_time_ms',
      help: 'Stream time of the task (max event time seen)',
      labelNames: ['application', 'partition'],
      registers,
    }),
    tasks: new Gauge({
      name: 'iotp_streams_tasks',
      help: 'Tasks (input partitions) owned by this instance',
      labelNames: ['application'],
      registers,
    }),
  };
  cache.set(registry, m);
  return m;
}
