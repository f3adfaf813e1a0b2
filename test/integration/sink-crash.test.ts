/**
 * kill -9 of `iotp sink influxdb` (a child process) mid-stream, twice, then a restart: InfluxDB holds
 * exactly the expected points (count and content), none missing, none extra. Offsets are committed
 * only after InfluxDB accepted a batch, and replayed points overwrite themselves (same measurement,
 * tags and timestamp).
 */
import { describe, expect, it } from 'vitest';
import {
  allCommitted,
  type ChildWorker,
  freePort,
  kafkaFor,
  makeReadings,
  recentStart,
  registryAndEncoder,
  schemaFile,
  spawnSink,
  tempDatabase,
  waitUntil,
} from '../../connectors/influxdb-sink/test-support/sink-fixture.js';
import { quoteIdent } from '../../lib/influx/influxql-client.js';
import type { Admin, ConsumedRecord } from '../../lib/kafka/types.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';

const env = stackEnv();
const RECORDS = Number(process.env.SINK_CRASH_RECORDS ?? 20_000);
const DEVICES = 50;
const PARTITIONS = 4;

async function committedCount(admin: Admin, groupId: string, topic: string): Promise<number> {
  const committed = await admin.committedOffsets(groupId, [topic]);
  return committed.reduce((sum, c) => sum + Number(c.offset), 0);
}

/** A wait for a sink's progress fails at once when that sink has exited. */
function assertRunning(sink: ChildWorker): void {
  if (sink.child.exitCode !== null) {
    throw new Error(`the sink exited with ${sink.child.exitCode}: ${sink.output().slice(-3000)}`);
  }
}

describe('sink worker under kill -9 (child process, real Kafka and InfluxDB)', () => {
  it(
    `kill -9 twice while ${RECORDS} records flow: exactly the expected points afterwards`,
    { timeout: 600_000 },
    async ({ onTestFinished }) => {
      const name = uniqueName('sinkcrash');
      const topic = `${name}.env`;
      const dlq = `${name}.dlq`;
      const measurement = topic.replace(/[.-]/g, '_');
      const groupId = `${name}-sink`;
      const kafka = kafkaFor(env, `${name}-test`);
      const admin = kafka.admin();
      await admin.connect();
      const sinks: ChildWorker[] = [];
      const db = await tempDatabase(env, 'iotp_sinkcrash');
      const q = db.q;
      onTestFinished(async () => {
        for (const s of sinks) await s.kill9();
        await admin.deleteTopics([topic, dlq]).catch(() => undefined);
        await admin.disconnect();
        await db.drop();
      });
      await admin.createTopics([
        { topic, partitions: PARTITIONS },
        { topic: dlq, partitions: 1 },
      ]);
      const { encoder } = await registryAndEncoder(env, topic, schemaFile('environment'));
      const readings = makeReadings(RECORDS, DEVICES, recentStart());

      const sinkEnv = {
        ...db.env,
        INFLUX_API: 'v2',
        IOTP_SINK__TOPICS: `[${topic}]`,
        IOTP_SINK__TOPIC_PREFIX: '',
        IOTP_SINK__GROUP_ID: groupId,
        IOTP_SINK__BATCH_SIZE: '500',
        IOTP_SINK__LINGER: '300ms',
        IOTP_KAFKA__TOPICS__DLQ: dlq,
        KAFKA_BACKEND: process.env.KAFKA_BACKEND ?? 'kafkajs',
        LOG_LEVEL: 'info',
        // A killed replica holds its partitions until its session times out: 10 s instead of 30 s.
        IOTP_SINK__SESSION_TIMEOUT: '10s',
      };
      const start = async (n: number) => {
        const sink = spawnSink({ ...sinkEnv, METRICS_PORT: String(await freePort()), SINK_REPLICA_ID: `${name}-${n}` });
        sinks.push(sink);
        return sink;
      };

      // Records flow in paced chunks while the sink is killed and restarted.
      const producer = kafka.producer();
      await producer.connect();
      const producing = (async () => {
        const chunk = 500;
        for (let i = 0; i < readings.length; i += chunk) {
          await producer.send(
            readings
              .slice(i, i + chunk)
              .map((r) => ({ topic, key: r.deviceId, value: encoder.encodeSync(r), timestamp: r.ts })),
          );
          await new Promise((r) => setTimeout(r, 750)); // ~30 s of records: the kills land mid-stream
        }
      })();

      const killedAt: number[] = [];
      for (const [n, fraction] of [0.2, 0.5].entries()) {
        const sink = await start(n);
        await waitUntil(
          () =>
            `the sink committed ${fraction * 100}% (exit ${sink.child.exitCode}/${sink.child.signalCode}; ${sink.output().slice(-3000)})`,
          async () => {
            assertRunning(sink);
            return (await committedCount(admin, groupId, topic)) >= fraction * RECORDS;
          },
          120_000,
        );
        await sink.kill9();
        killedAt.push(await committedCount(admin, groupId, topic));
      }
      await producing;
      await producer.disconnect();
      expect(killedAt[0]).toBeGreaterThan(0);
      expect(killedAt[0]).toBeLessThan(RECORDS);
      expect(killedAt[1]).toBeLessThan(RECORDS);

      const last = await start(2);
      await waitUntil(
        () => `every record committed (exit ${last.child.exitCode}; ${last.output().slice(-3000)})`,
        () => {
          assertRunning(last);
          return allCommitted(admin, groupId, [topic], RECORDS);
        },
        180_000,
      );
      const exit = await Promise.race([
        last.stop(),
        new Promise((r) => setTimeout(() => r('no exit 60 s after SIGTERM'), 60_000)),
      ]);
      expect(exit, last.output().slice(-3000)).toBe(0);

      const rows = await q.rows(
        `SELECT "temperature", "humidity", "site" FROM ${quoteIdent(measurement)} GROUP BY "deviceId"`,
      );
      expect(rows).toHaveLength(RECORDS);
      const key = (r: Record<string, unknown>) => `${r.time}/${r.deviceId}`;
      const got = new Map(rows.map((r) => [key(r), r]));
      expect(got.size).toBe(RECORDS);
      for (const r of readings) {
        const row = got.get(key({ time: r.ts, deviceId: r.deviceId }));
        expect(row, `${r.deviceId} at ${r.ts}`).toEqual({
          time: r.ts,
          deviceId: r.deviceId,
          site: r.site,
          temperature: r.temperature,
          humidity: r.humidity,
        });
      }
      const dead: ConsumedRecord[] = [];
      await kafka.replay({ topic: dlq, partitions: [0], onRecords: (rs) => void dead.push(...rs) });
      expect(dead).toEqual([]);
    },
  );
});
