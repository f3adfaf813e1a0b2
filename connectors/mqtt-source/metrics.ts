import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { DEAD_LETTER_REASONS } from './dead-letter-reason.js';
import { TallyHistogram } from './tally-histogram.js';

/**
 * Per-message counts kept as plain numbers on the hot path (a prom-client `inc` hashes and
 * validates its labels on every call); prom-client takes them when it is read (a scrape, `get()`).
 */
export interface MetricTally {
  /** Messages received, by QoS (index 0, 1, 2): `messagesIn`. */
  messagesIn: [number, number, number];
  /** Messages acked: `acked`. */
  acked: number;
  /** The value of the `inFlight` gauge. */
  inFlight: number;
  /** Records Kafka acknowledged, by topic: `recordsOut`. */
  recordsOut: Map<string, number>;
}

/**
 * The connector's Prometheus metrics (names prefixed `iotp_mqtt_`). The per-message ones are
 * counted in `tally` and reach prom-client when read.
 *
 * @example
 *   const metrics = createMqttSourceMetrics(ctx.registry);
 *   metrics.tally.messagesIn[1]++;
 *   await metrics.messagesIn.get(); // includes it
 */
export interface MqttSourceMetrics {
  tally: MetricTally;
  messagesIn: Counter<'qos'>;
  /** Messages the broker redelivered (DUP): their records may be duplicates in Kafka. */
  redelivered: Counter;
  recordsOut: Counter<'topic'>;
  deadLetters: Counter<'reason'>;
  /** Readings of devices the registry does not hold, by devices.unknownDevice policy. */
  unknownDevices: Counter<'policy'>;
  /** Messages acknowledged to the broker after Kafka took everything they became. */
  acked: Counter;
  /** Duration of one Kafka send (a batch of messages' records), acks=all. */
  produceSeconds: Histogram;
  /** From receipt of a message to Kafka's acknowledgement of its last record (`record` per message). */
  messageLatencySeconds: TallyHistogram;
  inFlight: Gauge;
  sendRetries: Counter<'code'>;
  connected: Gauge;
}

export function createMqttSourceMetrics(registry: Registry): MqttSourceMetrics {
  const registers = [registry];
  const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
  const deadLetters = new Counter({
    name: 'iotp_mqtt_dead_letters_total',
    help: 'Messages (or gateway readings) sent to the dead-letter topic, by reason',
    labelNames: ['reason'] as const,
    registers,
  });
  for (const reason of DEAD_LETTER_REASONS) deadLetters.inc({ reason }, 0);
  const tally: MetricTally = { messagesIn: [0, 0, 0], acked: 0, inFlight: 0, recordsOut: new Map() };
  return {
    tally,
    unknownDevices: new Counter({
      name: 'iotp_mqtt_unknown_device_readings_total',
      help: 'Readings of devices the device registry does not hold, by devices.unknownDevice policy (dead-letter ones are also dead letters)',
      labelNames: ['policy'] as const,
      registers,
    }),
    messagesIn: new Counter({
      name: 'iotp_mqtt_messages_in_total',
      help: 'MQTT messages received',
      labelNames: ['qos'] as const,
      registers,
      collect() {
        for (let qos = 0; qos < 3; qos++) {
          const n = tally.messagesIn[qos as 0 | 1 | 2];
          if (n === 0) continue;
          this.inc({ qos: String(qos) }, n);
          tally.messagesIn[qos as 0 | 1 | 2] = 0;
        }
      },
    }),
    redelivered: new Counter({
      name: 'iotp_mqtt_redelivered_total',
      help: 'MQTT messages received with DUP set (possible duplicates in Kafka)',
      registers,
    }),
    recordsOut: new Counter({
      name: 'iotp_mqtt_records_out_total',
      help: 'Kafka records acknowledged, by topic',
      labelNames: ['topic'] as const,
      registers,
      collect() {
        for (const [topic, n] of tally.recordsOut) this.inc({ topic }, n);
        tally.recordsOut.clear();
      },
    }),
    deadLetters,
    acked: new Counter({
      name: 'iotp_mqtt_messages_acked_total',
      help: 'MQTT messages done (PUBACK released after Kafka acks)',
      registers,
      collect() {
        if (tally.acked === 0) return;
        this.inc(tally.acked);
        tally.acked = 0;
      },
    }),
    produceSeconds: new Histogram({
      name: 'iotp_mqtt_produce_seconds',
      help: 'Kafka send duration per batch (acks=all)',
      buckets,
      registers,
    }),
    messageLatencySeconds: new TallyHistogram({
      name: 'iotp_mqtt_message_latency_seconds',
      help: 'MQTT receipt to Kafka acknowledgement, per message',
      buckets,
      registers,
    }),
    inFlight: new Gauge({
      name: 'iotp_mqtt_inflight_messages',
      help: 'MQTT messages received and not yet acknowledged',
      registers,
      collect() {
        this.set(tally.inFlight);
      },
    }),
    sendRetries: new Counter({
      name: 'iotp_mqtt_send_retries_total',
      help: 'Kafka send attempts that failed and were retried, by error code',
      labelNames: ['code'] as const,
      registers,
    }),
    connected: new Gauge({ name: 'iotp_mqtt_connected', help: '1 while connected to the MQTT broker', registers }),
  };
}
