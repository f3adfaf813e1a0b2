/**
 * kill -9 of `iotp connect mqtt-sink` (a child process) mid-stream, twice, then a restart: every
 * command reaches its device at least once (none lost), duplicates are counted (QoS 1 and an offset
 * committed only after the PUBACKs: what was published after the last commit is published again),
 * and each device sees its commands first in the order they were sent.
 */
import { connectAsync } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { command, commandsWorkspace } from '../../connectors/mqtt-sink/test-support/commands-fixture.js';
import type { Admin } from '../../lib/kafka/types.js';
import type { CommandInput } from '../../schemas/generated/command.js';
import type { ChildWorker } from '../helpers/child-process.js';
import { allCommitted, readTopic } from '../helpers/kafka.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';
import { waitUntil } from '../helpers/wait.js';

const env = stackEnv();
const COMMANDS = Number(process.env.MQTT_SINK_CRASH_COMMANDS ?? 4_000);
const DEVICES = 20;

async function committedCount(admin: Admin, groupId: string, topic: string): Promise<number> {
  return (await admin.committedOffsets(groupId, [topic])).reduce((sum, c) => sum + Number(c.offset), 0);
}

describe('mqtt-sink under kill -9 (child process, real Kafka and Mosquitto)', () => {
  it(
    `kill -9 twice while ${COMMANDS} commands flow: none lost, duplicates counted`,
    { timeout: 400_000 },
    async ({ onTestFinished }) => {
      const name = uniqueName('mqttsinkcrash');
      const ws = await commandsWorkspace(env, name);
      onTestFinished(() => ws.cleanup());
      const groupId = `${name}-sink`;
      const ids = Array.from({ length: DEVICES }, (_, i) => `${name}-d${String(i).padStart(2, '0')}`);

      // The devices: the simulator's identity may read every devices/+/cmd (the ACL's test identity).
      const receiver = await connectAsync(env.MQTT_AUTH_URL ?? '', {
        clientId: `${name}-devices`,
        username: env.MQTT_SIMULATOR_USERNAME,
        password: env.MQTT_SIMULATOR_PASSWORD,
        protocolVersion: 5,
        clean: true,
      });
      onTestFinished(() => receiver.endAsync(true));
      const received = new Map<string, string[]>(ids.map((id) => [id, []]));
      receiver.on('message', (topic, payload) => {
        const deviceId = topic.split('/')[1] ?? '';
        const { correlationId } = JSON.parse(payload.toString('utf8')) as { correlationId: string };
        received.get(deviceId)?.push(correlationId);
      });
      await receiver.subscribeAsync(
        ids.map((id) => `devices/${id}/cmd`),
        { qos: 1 },
      );

      const sent: CommandInput[] = Array.from({ length: COMMANDS }, (_, i) =>
        command(ids[i % DEVICES] as string, { payload: JSON.stringify({ seq: i }) }),
      );
      const sinks: ChildWorker[] = [];
      const start = async (n: number) => {
        const sink = await ws.spawnSink(`r${n}`);
        sinks.push(sink);
        return sink;
      };
      const producing = (async () => {
        // Faster than a replica's start: a backlog builds, so each kill lands while publishes are in flight.
        for (let i = 0; i < sent.length; i += 200) {
          await ws.send(sent.slice(i, i + 200));
          await new Promise((r) => setTimeout(r, 100));
        }
      })();

      const killedAt: number[] = [];
      for (const [n, fraction] of [0.2, 0.5].entries()) {
        const sink = await start(n);
        await waitUntil(
          () => `the sink committed ${fraction * 100}% (exit ${sink.child.exitCode}; ${sink.output().slice(-3000)})`,
          async () => {
            if (sink.child.exitCode !== null) throw new Error(`the sink exited: ${sink.output().slice(-3000)}`);
            return (await committedCount(ws.admin, groupId, ws.topics.commands)) >= fraction * COMMANDS;
          },
          120_000,
        );
        await sink.kill9();
        killedAt.push(await committedCount(ws.admin, groupId, ws.topics.commands));
      }
      await producing;
      expect(killedAt[0]).toBeGreaterThan(0);
      expect(killedAt[1]).toBeLessThan(COMMANDS);

      const last = await start(2);
      await waitUntil(
        () => `every command committed (${last.output().slice(-3000)})`,
        () => allCommitted(ws.admin, groupId, [ws.topics.commands], COMMANDS),
        180_000,
      );
      const exit = await Promise.race([
        last.stop(),
        new Promise((r) => setTimeout(() => r('no exit 30 s after SIGTERM'), 30_000)),
      ]);
      expect(exit, last.output().slice(-3000)).toBe(0);
      await new Promise((r) => setTimeout(r, 500));

      let deliveries = 0;
      let unique = 0;
      for (const id of ids) {
        const got = received.get(id) ?? [];
        const mine = sent.filter((c) => c.deviceId === id).map((c) => c.correlationId);
        const firsts = [...new Set(got)];
        // None lost, nothing foreign, and first deliveries in the order sent (per-device order).
        expect(firsts, id).toEqual(mine);
        deliveries += got.length;
        unique += firsts.length;
      }
      const duplicates = deliveries - unique;
      process.stdout.write(
        `mqtt-sink-crash: ${COMMANDS} commands, ${deliveries} deliveries, ${duplicates} duplicates (at least once), kills at committed ${killedAt.join(', ')}\n`,
      );
      expect(unique).toBe(COMMANDS);
      expect(duplicates).toBeGreaterThanOrEqual(0);
      expect(await readTopic(ws.kafka, ws.topics.dlq)).toEqual([]);
    },
  );
});
