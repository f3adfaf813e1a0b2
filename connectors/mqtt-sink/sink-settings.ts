import { hostname } from 'node:os';
import type { LoadedPipelineConfig } from '../../lib/config/index.js';
import type { MqttPublisherOptions } from './mqtt-publisher.js';

/** What tells one MQTT sink replica from another (CLI flags, env). */
export interface MqttSinkReplicaSettings {
  /** Appended to commands.mqtt.clientId (`--replica`, MQTT_SINK_REPLICA; default the host name). */
  replica?: string | undefined;
  /** Port of /metrics /healthz /readyz (METRICS_PORT; 0 = any). */
  metricsPort?: number | undefined;
}

/** The MQTT sink's settings, all from the pipeline YAML's `commands:` and `kafka.topics.dlq`. */
export interface MqttSinkSettings {
  commandsTopic: string;
  mqttTopic: string;
  deadLetterTopic: string;
  groupId: string;
  sessionTimeoutMs: number;
  maxInFlight: number;
  publishTimeoutMs: number;
  mqtt: MqttPublisherOptions;
  /** The replica's name in logs and dead-letter headers (its MQTT client id). */
  replicaId: string;
  metricsPort: number;
}

/**
 * @example
 *   const settings = mqttSinkSettingsFrom(loadPipelineConfig({ env }), { replica: 'a' });
 *   settings.mqtt.clientId; // 'iotp-mqtt-sink-a'
 */
export function mqttSinkSettingsFrom(
  config: LoadedPipelineConfig,
  replica: MqttSinkReplicaSettings = {},
): MqttSinkSettings {
  const c = config.commands;
  const suffix = (replica.replica ?? hostname()).replace(/[^A-Za-z0-9._-]/g, '-');
  const clientId = `${c.mqtt.clientId}-${suffix}`;
  return {
    commandsTopic: c.topic,
    mqttTopic: c.mqttTopic,
    deadLetterTopic: config.kafka.topics.dlq,
    groupId: c.groupId,
    sessionTimeoutMs: c.sessionTimeout,
    maxInFlight: c.maxInFlight,
    publishTimeoutMs: c.publishTimeout,
    mqtt: {
      url: c.mqtt.url,
      username: c.mqtt.username || undefined,
      password: c.mqtt.password || undefined,
      caFile: c.mqtt.caFile,
      clientId,
      protocolVersion: c.mqtt.protocolVersion,
      keepaliveSeconds: Math.max(1, Math.round(c.mqtt.keepalive / 1000)),
    },
    replicaId: clientId,
    metricsPort: replica.metricsPort ?? 9400,
  };
}
