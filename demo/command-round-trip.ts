import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadedPipelineConfig } from '../lib/config/index.js';
import type { Admin, KafkaClient } from '../lib/kafka/types.js';
import type { SchemaRegistryClient } from '../lib/serde/index.js';
import { createAvroDecoder, createAvroEncoder } from '../lib/serde/index.js';
import type { Command } from '../schemas/generated/command.js';
import type { CommandStatus } from '../schemas/generated/command-status.js';
import { partitionEnds, recordsAfter } from './collect.js';
import { WorkerProcess } from './worker-process.js';

/** The demo's command round trip: commands sent, answers that came back through the source. */
export interface CommandRoundTrip {
  sent: number;
  /** Answers (command-status records) with the correlation id of a command of the run. */
  answered: number;
  /** Answers by status (DONE, REJECTED, ...). */
  byStatus: Record<string, number>;
  /** From a command's ts to its answer's record in Kafka, slowest. */
  maxRoundTripMs: number | undefined;
  /** The MQTT sink's counters at the end of the run. */
  published: number;
  expired: number;
}

/**
 * The demo's command path: `iotp connect mqtt-sink` as one more worker (in a group of the run's own
 * that starts at the commands topic's end, so an earlier run's commands are not sent again), and,
 * once the swarm publishes live (its devices answer with `--answer-commands`), a few commands to
 * the run's devices: `recalibrate` and `ping` to the first devices, and one command no device knows.
 */
export function commandRoundTrip(options: {
  runDir: string;
  env: Record<string, string>;
  config: LoadedPipelineConfig;
  client: KafkaClient;
  admin: Admin;
  registry: SchemaRegistryClient;
  devicePrefix: string;
  devices: number;
}) {
  const { config, client, admin } = options;
  const commandsTopic = config.commands.topic;
  const statusTopic = config.eventRoutes.find((r) => r.type === 'command-status')?.topic;
  const groupId = `iotp-demo-commands-${options.devicePrefix}`;
  const worker = new WorkerProcess({
    name: 'mqtt-sink',
    args: ['connect', 'mqtt-sink', '--replica', `demo-${options.devicePrefix}`],
    logDir: options.runDir,
    env: { ...options.env, IOTP_COMMANDS__GROUP_ID: groupId },
  });
  const sent: Command[] = [];
  let statusStart: Map<number, bigint> | undefined;
  let sending: Promise<void> | undefined;

  return {
    worker,
    /** Before the workers start: the group starts at the topic's end; answers are counted from now. */
    async prepare(): Promise<void> {
      const offsets = (await admin.topicOffsets(commandsTopic)).map((p) => ({
        topic: commandsTopic,
        partition: p.partition,
        offset: p.high,
      }));
      await admin.setGroupOffsets(groupId, offsets);
      if (statusTopic) statusStart = await partitionEnds(admin, statusTopic);
    },
    /** Called on the swarm's live progress: sends the commands once. */
    onLive(): void {
      sending ??= (async () => {
        const encoder = createAvroEncoder<Command>({
          registry: options.registry,
          subject: `${commandsTopic}-value`,
          schema: config.outputSchemas.command,
          autoRegister: config.registry.autoRegister,
        });
        await encoder.schemaId();
        const now = Date.now();
        const ids = Array.from(
          { length: Math.min(5, options.devices) },
          (_, i) => `${options.devicePrefix}-${String(i).padStart(6, '0')}`,
        );
        const make = (deviceId: string, name: string, payload = ''): Command => ({
          deviceId,
          name,
          payload,
          expiry: now + 60_000,
          correlationId: randomUUID(),
          ts: now,
          source: 'iotp demo',
        });
        for (const id of ids) sent.push(make(id, 'recalibrate', '{"field":"temperature"}'), make(id, 'ping'));
        if (ids[0]) sent.push(make(ids[0], 'self-destruct'));
        const producer = client.producer();
        await producer.connect();
        await producer.send(
          sent.map((c) => ({ topic: commandsTopic, key: c.deviceId, value: encoder.encodeSync(c), timestamp: c.ts })),
        );
        await producer.disconnect();
      })();
    },
    /** After the swarm stopped: waits (up to `timeoutMs`) for the answers, then counts them. */
    async result(timeoutMs: number): Promise<CommandRoundTrip | undefined> {
      if (!sending || !statusTopic || !statusStart) return undefined;
      await sending;
      const decoder = createAvroDecoder<CommandStatus>({ registry: options.registry });
      const wanted = new Map(sent.map((c) => [c.correlationId, c]));
      const deadline = Date.now() + timeoutMs;
      let answers: { status: CommandStatus; at: number }[] = [];
      for (;;) {
        answers = [];
        for (const r of await recordsAfter(client, admin, statusTopic, statusStart)) {
          if (!r.value) continue;
          const status = (await decoder.decode(r.value)).value;
          if (wanted.has(status.correlationId)) answers.push({ status, at: r.timestamp });
        }
        if (new Set(answers.map((a) => a.status.correlationId)).size >= sent.length || Date.now() > deadline) break;
        await sleep(1000);
      }
      const byStatus: Record<string, number> = {};
      let maxRoundTripMs: number | undefined;
      for (const a of answers) {
        byStatus[a.status.status] = (byStatus[a.status.status] ?? 0) + 1;
        const c = wanted.get(a.status.correlationId) as Command;
        maxRoundTripMs = Math.max(maxRoundTripMs ?? 0, a.at - c.ts);
      }
      const metrics = await worker.metrics().catch(() => '');
      const counter = (name: string) =>
        Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(metrics)?.[1] ?? 0);
      return {
        sent: sent.length,
        answered: new Set(answers.map((a) => a.status.correlationId)).size,
        byStatus,
        maxRoundTripMs,
        published: counter('iotp_mqtt_sink_commands_published_total'),
        expired: counter('iotp_mqtt_sink_commands_expired_total'),
      };
    },
  };
}
