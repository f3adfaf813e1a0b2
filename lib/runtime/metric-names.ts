/**
 * Every Prometheus metric the pipeline's dashboards read, in one place: workers create their
 * metrics from these names and the dashboards query them, so a rename breaks a test, not a panel.
 * Every series also carries `component` (the worker, set by lib/runtime/metrics.ts).
 *
 * `emittedBy` says which workers must expose the metric ('*' = every worker that consumes or
 * produces records); the sink's integration test checks its own /metrics against it.
 *
 * @example
 *   new Counter({ name: METRIC.deadLetters.name, help: METRIC.deadLetters.help, labelNames: METRIC.deadLetters.labels, registers });
 *   `sum by (component, reason) (rate(${METRIC.deadLetters.name}[5m]))`
 */
export interface MetricSpec {
  name: string;
  type: 'counter' | 'gauge' | 'histogram';
  help: string;
  labels: readonly string[];
  emittedBy: readonly string[];
}

function spec<const L extends readonly string[]>(
  name: string,
  type: MetricSpec['type'],
  help: string,
  labels: L,
  emittedBy: readonly string[],
): MetricSpec & { labels: L } {
  return { name, type, help, labels, emittedBy };
}

/** Components (the `component` label, i.e. runWorker's component). */
export const COMPONENT = {
  mqttSource: 'mqtt-source',
  streamsAggregate: 'streams-aggregate',
  streamsDetect: 'streams-detect',
  influxdbSink: 'influxdb-sink',
} as const;

const ALL = ['*'];
const SINK = [COMPONENT.influxdbSink];

export const METRIC = {
  // Shared by every stage.
  recordsIn: spec(
    'iotp_records_in_total',
    'counter',
    'Records consumed (or MQTT messages received), by topic',
    ['topic'],
    ALL,
  ),
  recordsOut: spec(
    'iotp_records_out_total',
    'counter',
    'Records produced (or points written), by topic',
    ['topic'],
    ALL,
  ),
  deadLetters: spec(
    'iotp_dead_letters_total',
    'counter',
    'Records sent to the dead-letter topic, by reason',
    ['reason'],
    ALL,
  ),
  processingSeconds: spec(
    'iotp_processing_seconds',
    'histogram',
    'Time from consuming a record to its output being acknowledged (sink: committed after InfluxDB accepted it)',
    [],
    ALL,
  ),
  endToEndSeconds: spec(
    'iotp_end_to_end_latency_seconds',
    'histogram',
    'Wall-clock time at output minus the record event time',
    [],
    ALL,
  ),
  consumerLag: spec(
    'iotp_consumer_lag',
    'gauge',
    'Records between the group committed offset and the high watermark, per assigned partition',
    ['group', 'topic', 'partition'],
    ALL,
  ),
  consumerLagSeconds: spec(
    'iotp_consumer_lag_seconds',
    'gauge',
    'Estimated seconds the oldest unconsumed record has waited (from the high-watermark history)',
    ['group', 'topic', 'partition'],
    ALL,
  ),
  stateRestoreProgress: spec(
    'iotp_streams_restore_progress_ratio',
    'gauge',
    'Share of a store changelog partition restored before processing (1 = done)',
    ['application', 'store', 'partition'],
    [COMPONENT.streamsAggregate, COMPONENT.streamsDetect],
  ),
  stateRestoredRecords: spec(
    'iotp_state_restored_records_total',
    'counter',
    'Changelog records restored, per store',
    ['store'],
    [COMPONENT.streamsAggregate, COMPONENT.streamsDetect],
  ),
  lateRecords: spec(
    'iotp_late_records_total',
    'counter',
    'Records that arrived after their window closed (sent to the late-data output)',
    ['store'],
    [COMPONENT.streamsAggregate],
  ),
  anomalies: spec(
    'iotp_anomalies_total',
    'counter',
    'Anomalies emitted, by kind and detector',
    ['kind', 'detector'],
    [COMPONENT.streamsDetect],
  ),
  mqttMessagesIn: spec(
    'iotp_mqtt_messages_in_total',
    'counter',
    'MQTT messages received',
    ['qos'],
    [COMPONENT.mqttSource],
  ),

  // The InfluxDB sink.
  sinkPointsWritten: spec(
    'iotp_sink_points_written_total',
    'counter',
    'Points InfluxDB accepted, by measurement',
    ['measurement'],
    SINK,
  ),
  sinkBatches: spec('iotp_sink_batches_total', 'counter', 'Batches written, by result (ok, partial)', ['result'], SINK),
  sinkWriteRetries: spec(
    'iotp_sink_write_retries_total',
    'counter',
    'Write requests retried, by reason (network, 429, 5xx)',
    ['reason'],
    SINK,
  ),
  sinkWriteSeconds: spec(
    'iotp_sink_write_seconds',
    'histogram',
    'Duration of one InfluxDB write request',
    ['api'],
    SINK,
  ),
  sinkBufferPoints: spec('iotp_sink_buffer_points', 'gauge', 'Points buffered, waiting for InfluxDB', [], SINK),
  sinkBufferCapacity: spec(
    'iotp_sink_buffer_capacity_points',
    'gauge',
    'Buffered points at which fetching pauses',
    [],
    SINK,
  ),
  sinkFetchPaused: spec('iotp_sink_fetch_paused', 'gauge', '1 while fetching is paused (buffer full)', [], SINK),
  sinkInfluxUp: spec(
    'iotp_sink_influx_up',
    'gauge',
    '1 when the last InfluxDB request got an answer, 0 while it is unreachable',
    [],
    SINK,
  ),
} as const;

export type MetricKey = keyof typeof METRIC;

/** Every metric name, for checks (dashboards use only these). */
export const METRIC_NAMES: readonly string[] = Object.values(METRIC).map((m) => m.name);
