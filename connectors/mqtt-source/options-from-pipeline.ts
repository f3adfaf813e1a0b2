import { hostname } from 'node:os';
import type { LoadedPipelineConfig } from '../../lib/config/index.js';
import { ConfigError } from '../../lib/errors.js';
import { type MqttSourceInput, type MqttSourceOptions, parseMqttSourceOptions } from './options.js';

export interface ReplicaSettings {
  /**
   * This replica's suffix of `mqtt.clientId` (MQTT_CLIENT_ID, `--client-id`): fixed per replica so
   * the broker keeps its session across restarts. Default: the host name (a pod or container name).
   */
  replica?: string;
  /** Port of /metrics /healthz /readyz (METRICS_PORT; 0 = any). */
  metricsPort?: number;
  /** Connector knobs the pipeline YAML does not carry (tests, benchmarks). */
  extra?: Partial<MqttSourceInput>;
}

/**
 * The connector's options from the ONE pipeline config (lib/config): its `mqtt` section, the
 * reading and event routes, `kafka.topics.dlq` / `deviceStatus`, the registry and the device-status schema.
 * Settings the YAML does not have keep the defaults of options.ts (status topic template beside
 * the readings, 7-day session expiry, 7-day max event-time age, strict unknown fields).
 *
 * @example
 *   const options = mqttSourceOptionsFromPipeline(loadPipelineConfig({ env }), { replica: 'a' });
 */
export function mqttSourceOptionsFromPipeline(
  config: LoadedPipelineConfig,
  replica: ReplicaSettings = {},
): MqttSourceOptions {
  const m = config.mqtt;
  if (m.qos !== 1)
    throw new ConfigError(
      'mqtt.qos',
      'expected 1: with QoS 2 mqtt.js completes the handshake before the message is processed, so a crash could lose it (devices may still publish at QoS 2; delivery to the connector is QoS 1)',
    );
  const suffix = (replica.replica ?? hostname()).replace(/[^A-Za-z0-9._-]/g, '-');
  const input: MqttSourceInput = {
    mqtt: {
      url: m.url,
      username: m.username || undefined,
      password: m.password || undefined,
      caFile: m.caFile,
      certFile: m.certFile,
      keyFile: m.keyFile,
      clientId: `${m.clientId}-${suffix}`,
      group: m.shareGroup,
      protocolVersion: m.protocolVersion,
      keepaliveSeconds: Math.max(1, Math.round(m.keepalive / 1000)),
      receiveMaximum: m.maxInFlight,
    },
    // Readings first: the status template sits beside the first route's {deviceId}.
    routes: [...config.readingRoutes, ...config.eventRoutes].map((r) => ({
      mqtt: r.mqtt,
      topic: r.topic,
      schema: r.schemaName,
      subject: r.subject,
      subscribe: r.subscribe,
    })),
    status: { topic: config.kafka.topics.deviceStatus, schema: config.registry.schemas.deviceStatus },
    deadLetterTopic: config.kafka.topics.dlq,
    limits: { maxPayloadBytes: m.maxPayloadBytes, maxFutureMs: m.maxClockSkew },
    gateways: m.gateways,
    devices: { unknownDevice: config.devices.unknownDevice },
    registry: { url: config.registry.url, autoRegister: config.registry.autoRegister },
    metricsPort: replica.metricsPort ?? 9400,
    ...replica.extra,
  };
  return parseMqttSourceOptions(input);
}
