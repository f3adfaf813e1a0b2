import { join } from 'node:path';
import { Registry } from 'prom-client';
import { registryAuthFromEnv } from '../../../lib/clients/index.js';
import type { KafkaClient } from '../../../lib/kafka/types.js';
import { silentLogger } from '../../../lib/runtime/log.js';
import { loadStackEnv, repoRoot } from '../../../lib/runtime/stack-env.js';
import { createSchemaRegistryClient } from '../../../lib/serde/index.js';
import { createTopics, deleteTopics } from '../../../test/helpers/kafka.js';
import { uniqueName } from '../../../test/helpers/stack.js';
import { type MqttSource, startMqttSource } from '../connector.js';
import { type MqttSourceInput, type MqttSourceOptions, parseMqttSourceOptions } from '../options.js';

/**
 * Names of one test's world: an MQTT topic root no other test publishes under, and Kafka topics
 * no other test reads. Routes: `<root>/{site}/{deviceId}/{type}` -> `<kafka>.{type}`.
 */
export interface Scenario {
  mqttRoot: string;
  group: string;
  topics: { environment: string; power: string; status: string; dlq: string };
  /** The MQTT topic of a device's readings. */
  readingTopic(deviceId: string, type?: string, site?: string): string;
  statusTopic(deviceId: string, site?: string): string;
  options(overrides?: {
    clientId?: string;
    mqtt?: Partial<MqttSourceInput['mqtt']>;
    extra?: Partial<MqttSourceInput>;
  }): MqttSourceOptions;
  /** The same settings as a pipeline YAML (lib/config format), for a child-process connector. */
  pipelineYaml(mqtt?: Record<string, unknown>): Record<string, unknown>;
  createTopics(): Promise<void>;
  deleteTopics(): Promise<void>;
}

/**
 * `sensorsSite`: put the test under the real `sensors/<site>/...` tree with a literal site of its
 * own (the stack's ACL lets devices write only under `sensors/+/<their id>/#`).
 */
export function createScenario(
  env: Record<string, string>,
  kafka: KafkaClient,
  label = 'mqtt',
  placement: { sensorsSite?: boolean } = {},
): Scenario {
  const id = uniqueName(label);
  const mqttRoot = placement.sensorsSite ? `sensors/${id}` : `it/${id}`;
  const siteLevel = placement.sensorsSite ? '' : '/{site}';
  const topics = {
    environment: `${id}.environment`,
    power: `${id}.power`,
    status: `${id}.status`,
    dlq: `${id}.dlq`,
  };
  const routes = [{ mqtt: `${mqttRoot}${siteLevel}/{deviceId}/{type}`, topic: `${id}.{type}`, schema: '{type}' }];
  const status = {
    template: `${mqttRoot}${siteLevel}/{deviceId}/status`,
    topic: topics.status,
    schema: 'device-status',
  };
  const at = (site: string) => (placement.sensorsSite ? mqttRoot : `${mqttRoot}/${site}`);
  const group = `${id}-g`;
  return {
    mqttRoot,
    group,
    topics,
    readingTopic: (deviceId, type = 'environment', site = 'lab') => `${at(site)}/${deviceId}/${type}`,
    statusTopic: (deviceId, site = 'lab') => `${at(site)}/${deviceId}/status`,
    options(overrides = {}) {
      return parseMqttSourceOptions({
        mqtt: {
          url: env.MQTT_URL,
          clientId: overrides.clientId ?? `${id}-r0`,
          group,
          sessionExpirySeconds: 600,
          ...overrides.mqtt,
        },
        routes,
        status,
        deadLetterTopic: topics.dlq,
        registry: { url: env.SCHEMA_REGISTRY_URL, autoRegister: true },
        metricsPort: 0,
        batch: { retryInitialMs: 50, retryMaxMs: 1000 },
        ...overrides.extra,
      });
    },
    pipelineYaml(mqtt = {}) {
      return {
        version: 1,
        kafka: { brokers: env.KAFKA_BROKERS, clientId: id, topics: { dlq: topics.dlq, deviceStatus: topics.status } },
        registry: {
          url: env.SCHEMA_REGISTRY_URL,
          schemasDir: join(repoRoot, 'schemas'),
          autoRegister: true,
          // The registry takes writes (and the Confluent API's POST lookups) with credentials only;
          // references, as in config/pipeline.yaml: a secret never lives in the file.
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a ${VAR} reference of the YAML
          username: '${SCHEMA_REGISTRY_USERNAME:-}',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a ${VAR} reference of the YAML
          password: '${SCHEMA_REGISTRY_PASSWORD:-}',
        },
        routes: [{ types: ['environment', 'power'], mqtt: routes[0]?.mqtt, topic: `${id}.{type}` }],
        mqtt: { url: env.MQTT_URL, shareGroup: group, clientId: id, maxInFlight: 1000, ...mqtt },
        // The config validates every section; the connector does not use this one.
        sink: { influx: { url: env.INFLUX_URL, api: 'v1', db: env.INFLUX_DB ?? 'telemetry' } },
      };
    },
    async createTopics() {
      await createTopics(kafka, [
        { topic: topics.environment },
        { topic: topics.power },
        { topic: topics.dlq, partitions: 1 },
        { topic: topics.status, partitions: 2, config: { 'cleanup.policy': 'compact' } },
      ]);
    },
    async deleteTopics() {
      await deleteTopics(kafka, Object.values(topics));
    },
  };
}

/** Starts an in-process replica with a registry of its own; `ready` reflects /readyz. */
export async function startTestSource(
  options: MqttSourceOptions,
  kafka: KafkaClient,
): Promise<{ source: MqttSource; metrics: Registry; ready(): boolean }> {
  const metrics = new Registry();
  let ready = false;
  const source = await startMqttSource(options, {
    kafka,
    registry: createSchemaRegistryClient({ url: options.registry.url, ...registryAuthFromEnv(loadStackEnv()) }),
    metrics,
    log: silentLogger(),
    setReady: (value) => {
      ready = value;
    },
  });
  return { source, metrics, ready: () => ready };
}
