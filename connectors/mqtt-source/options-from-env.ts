import { hostname } from 'node:os';
import { ConfigError } from '../../lib/errors.js';
import { type MqttSourceInput, type MqttSourceOptions, parseMqttSourceOptions } from './options.js';

/** Environment variables the connector reads (they win over the YAML). */
export const MQTT_SOURCE_ENV = {
  MQTT_URL: 'mqtt.url',
  MQTT_USERNAME: 'mqtt.username',
  MQTT_PASSWORD: 'mqtt.password',
  MQTT_CA: 'mqtt.caFile',
  MQTT_CLIENT_CERT: 'mqtt.certFile',
  MQTT_CLIENT_KEY: 'mqtt.keyFile',
  MQTT_CLIENT_ID: 'mqtt.clientId',
  MQTT_GROUP: 'mqtt.group',
  MQTT_RECEIVE_MAXIMUM: 'mqtt.receiveMaximum',
  SCHEMA_REGISTRY_URL: 'registry.url',
  METRICS_PORT: 'metricsPort',
  DLQ_TOPIC: 'deadLetterTopic',
} as const;

const NUMERIC = new Set(['mqtt.receiveMaximum', 'metricsPort']);

/**
 * The connector's options from the pipeline YAML (its `routes:` and `mqttSource:` sections, both
 * optional) overridden by the environment (see MQTT_SOURCE_ENV). Without MQTT_CLIENT_ID the replica
 * id is `<group>-<hostname>`: stable across restarts of one host/pod, distinct between replicas.
 *
 * @example
 *   const options = mqttSourceOptionsFrom(yaml.parse(text), loadStackEnv());
 */
export function mqttSourceOptionsFrom(
  pipeline: Record<string, unknown> | undefined,
  env: Record<string, string | undefined>,
): MqttSourceOptions {
  const section = pipeline?.mqttSource;
  if (section !== undefined && (typeof section !== 'object' || section === null || Array.isArray(section)))
    throw new ConfigError('mqttSource', 'expected a mapping of connector settings');
  const input = structuredClone((section ?? {}) as Record<string, unknown>) as MqttSourceInput &
    Record<string, unknown>;
  if (pipeline?.routes !== undefined) (input as Record<string, unknown>).routes = pipeline.routes;

  for (const [name, path] of Object.entries(MQTT_SOURCE_ENV)) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    let value: unknown = raw.trim();
    if (NUMERIC.has(path)) {
      value = Number(raw);
      if (!Number.isInteger(value)) throw new ConfigError(name, `expected an integer, got "${raw}"`);
    }
    setPath(input as Record<string, unknown>, path, value);
  }
  const mqtt = ((input as Record<string, unknown>).mqtt ?? {}) as Record<string, unknown>;
  if (mqtt.clientId === undefined) mqtt.clientId = `${String(mqtt.group ?? 'iotp-mqtt-source')}-${hostname()}`;
  (input as Record<string, unknown>).mqtt = mqtt;
  return parseMqttSourceOptions(input, pipeline?.mqttSource === undefined ? '' : 'mqttSource.');
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] as string] = value;
}
