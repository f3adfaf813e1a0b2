import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { MQTT_SINK_DEAD_LETTER_REASONS } from './dead-letter.js';

/** The MQTT sink's Prometheus metrics (`iotp_mqtt_sink_*`), in the worker's registry. */
export interface MqttSinkMetrics {
  /** Commands PUBACKed by the broker. */
  published: Counter;
  /** Commands dead-lettered because their expiry passed. */
  expired: Counter;
  /** Commands not published, by dead-letter reason (expired ones included). */
  failed: Counter<'reason'>;
  /** From the publish to its PUBACK. */
  publishLatency: Histogram;
  /** Published, not yet PUBACKed. */
  inFlight: Gauge;
  /** MQTT connection up (1) or down (0). */
  connected: Gauge;
  /** Offsets committed (after every command up to them was PUBACKed or dead-lettered). */
  commits: Counter;
}

export function createMqttSinkMetrics(registry: Registry): MqttSinkMetrics {
  const failed = new Counter({
    name: 'iotp_mqtt_sink_commands_failed_total',
    help: 'Commands not published, by dead-letter reason (COMMAND_EXPIRED, COMMAND_INVALID, MQTT_REFUSED, DESERIALIZATION_FAILED)',
    labelNames: ['reason'],
    registers: [registry],
  });
  for (const reason of MQTT_SINK_DEAD_LETTER_REASONS) failed.inc({ reason }, 0);
  return {
    published: new Counter({
      name: 'iotp_mqtt_sink_commands_published_total',
      help: 'Commands published at QoS 1 and acknowledged by the broker (PUBACK)',
      registers: [registry],
    }),
    expired: new Counter({
      name: 'iotp_mqtt_sink_commands_expired_total',
      help: 'Commands dead-lettered because their expiry passed before they could be published',
      registers: [registry],
    }),
    failed,
    publishLatency: new Histogram({
      name: 'iotp_mqtt_sink_publish_latency_seconds',
      help: 'Time from a command publish to its PUBACK',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: 'iotp_mqtt_sink_inflight_commands',
      help: 'Commands published and not yet acknowledged by the broker',
      registers: [registry],
    }),
    connected: new Gauge({
      name: 'iotp_mqtt_sink_connected',
      help: '1 while the MQTT connection is up',
      registers: [registry],
    }),
    commits: new Counter({
      name: 'iotp_mqtt_sink_commits_total',
      help: 'Offset commits (each after every command below it was PUBACKed or dead-lettered)',
      registers: [registry],
    }),
  };
}
