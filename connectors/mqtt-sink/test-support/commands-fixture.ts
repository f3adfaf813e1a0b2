import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { registryAuthFromEnv } from '../../../lib/clients/index.js';
import type { Admin, KafkaClient, Producer } from '../../../lib/kafka/types.js';
import { repoRoot } from '../../../lib/runtime/stack-env.js';
import {
  type AvroEncoder,
  createAvroEncoder,
  createSchemaRegistryClient,
  loadSchemaFile,
} from '../../../lib/serde/index.js';
import type { Command, CommandInput } from '../../../schemas/generated/command.js';
import { type ChildWorker, freePort, spawnIotp } from '../../../test/helpers/child-process.js';
import { kafkaClientFromEnv } from '../../../test/helpers/kafka.js';
import { addMqttUser } from '../../../test/helpers/mosquitto.js';

/**
 * A test's own command path on the shared stack: a pipeline YAML whose topics, groups and share
 * group are the test's (the command and ack MQTT topics are the real `devices/<id>/cmd[/ack]`, with
 * device ids unique to the test, so the stack's ACL applies), the topics created, the command
 * schema registered, and spawners for `iotp connect mqtt-sink` and `mqtt-source` on that YAML.
 */
export interface CommandsWorkspace {
  name: string;
  configFile: string;
  topics: { commands: string; status: string; dlq: string };
  kafka: KafkaClient;
  admin: Admin;
  producer: Producer;
  encoder: AvroEncoder<CommandInput>;
  /** A command to `deviceId`, keyed on it. */
  send(commands: CommandInput[]): Promise<void>;
  spawnSink(replica: string, env?: Record<string, string>): Promise<ChildWorker>;
  spawnSource(replica: string): Promise<ChildWorker>;
  cleanup(): Promise<void>;
}

export async function commandsWorkspace(env: Record<string, string>, name: string): Promise<CommandsWorkspace> {
  const dir = mkdtempSync(join(tmpdir(), 'iotp-commands-'));
  const topics = { commands: `${name}.commands`, status: `${name}.status`, dlq: `${name}.dlq` };
  const configFile = join(dir, 'pipeline.yaml');
  // The reading route lives under the test's own root (its namespace is `<name>/#`): the source
  // then reads the acks (exact route) and nothing of the stack's other traffic.
  writeFileSync(
    configFile,
    `version: 1
kafka:
  brokers: \${KAFKA_BROKERS}
  backend: \${KAFKA_BACKEND:-kafkajs}
  topics: { dlq: ${topics.dlq}, anomalies: ${name}.anomalies, deviceStatus: ${name}.device-status }
registry:
  url: \${SCHEMA_REGISTRY_URL}
  username: \${SCHEMA_REGISTRY_USERNAME:-}
  password: \${SCHEMA_REGISTRY_PASSWORD:-}
  schemasDir: ${join(repoRoot, 'schemas')}
  autoRegister: true
routes:
  - { type: environment, mqtt: '${name}/{site}/{deviceId}/environment', topic: ${name}.env }
  - { type: command-status, kind: event, subscribe: exact, mqtt: 'devices/{deviceId}/cmd/ack', topic: ${topics.status} }
streams: { lateTopic: ${name}.late }
sink: { influx: { bucket: unused } }
mqtt: { url: '\${MQTT_URL}', shareGroup: ${name}, clientId: ${name}-source }
commands:
  topic: ${topics.commands}
  groupId: ${name}-sink
  sessionTimeout: 10s
  publishTimeout: 20s
  mqtt: { url: '\${MQTT_AUTH_URL}', username: '\${MQTT_COMMANDS_USERNAME}', password: '\${MQTT_COMMANDS_PASSWORD}', clientId: ${name}-sink }
`,
  );
  const kafka = kafkaClientFromEnv(env, `${name}-test`);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics([
    { topic: topics.commands, partitions: 4 },
    { topic: topics.status, partitions: 4 },
    { topic: topics.dlq, partitions: 1 },
    { topic: `${name}.env`, partitions: 1 },
    { topic: `${name}.device-status`, partitions: 1 },
  ]);
  const registry = createSchemaRegistryClient({ url: env.SCHEMA_REGISTRY_URL ?? '', ...registryAuthFromEnv(env) });
  const encoder = createAvroEncoder<CommandInput>({
    registry,
    subject: `${topics.commands}-value`,
    schema: loadSchemaFile(join(repoRoot, 'schemas', 'command.avsc')),
    autoRegister: true,
  });
  await encoder.schemaId();
  const producer = kafka.producer();
  await producer.connect();
  const workers: ChildWorker[] = [];
  const spawn = async (args: string[], extra: Record<string, string> = {}) => {
    const worker = spawnIotp(args, {
      env: { IOTP_CONFIG: configFile, METRICS_PORT: String(await freePort()), LOG_LEVEL: 'info', ...extra },
    });
    workers.push(worker);
    return worker;
  };
  return {
    name,
    configFile,
    topics,
    kafka,
    admin,
    producer,
    encoder,
    async send(commands) {
      await producer.send(
        commands.map((c) => ({
          topic: topics.commands,
          key: c.deviceId,
          value: encoder.encodeSync(c),
          timestamp: c.ts,
        })),
      );
    },
    spawnSink: (replica, extra) => spawn(['connect', 'mqtt-sink', '--replica', replica], extra),
    spawnSource: (replica) => spawn(['connect', 'mqtt-source', '--replica', replica]),
    async cleanup() {
      for (const w of workers) await w.kill9();
      await producer.disconnect();
      await admin
        .deleteTopics([...Object.values(topics), `${name}.env`, `${name}.device-status`])
        .catch(() => undefined);
      await admin.disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A command to `deviceId` with a fresh correlation id. */
export function command(deviceId: string, extra: Partial<Command> = {}): CommandInput {
  return { deviceId, name: 'recalibrate', correlationId: randomUUID(), ts: Date.now(), expiry: null, ...extra };
}

/** A device on the authenticated listener with its own MQTT user (username = deviceId). */
export async function connectDevice(env: Record<string, string>, deviceId: string): Promise<MqttClient> {
  const password = `pw-${deviceId}`;
  await addMqttUser(deviceId, password);
  return connectAsync(env.MQTT_AUTH_URL ?? '', {
    clientId: deviceId,
    username: deviceId,
    password,
    protocolVersion: 5,
    clean: true,
    reconnectPeriod: 0,
  });
}

/**
 * What a device does with a command: answers DONE on its ack topic with the correlation id
 * (the simulator's devices do the same, sim/command-responder.ts).
 */
export function answer(client: MqttClient, deviceId: string, payload: Buffer): Promise<void> {
  const cmd = JSON.parse(payload.toString('utf8')) as { correlationId: string; name: string };
  const ack = {
    deviceId,
    correlationId: cmd.correlationId,
    name: cmd.name,
    status: 'DONE',
    detail: 'test device',
    ts: Date.now(),
  };
  return client.publishAsync(`devices/${deviceId}/cmd/ack`, JSON.stringify(ack), { qos: 1 }).then(() => undefined);
}
