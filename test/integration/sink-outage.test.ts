/**
 * InfluxDB unreachable mid-stream: a TCP proxy of our own in front of the stack's real InfluxDB is
 * cut for SINK_OUTAGE_MS (default 30 s) while records keep arriving. The sink retries, pauses
 * fetching once its buffer is full (memory bounded), commits nothing, so the group's lag grows;
 * when the proxy is back, the lag drains and InfluxDB holds exactly every point, none lost.
 */
import { describe, expect, it } from 'vitest';
import {
  allCommitted,
  kafkaFor,
  makeReadings,
  metricValue,
  recentStart,
  registryAndEncoder,
  schemaFile,
  settingsFor,
  startSinkHere,
  tempDatabase,
  throwIfFatal,
  waitUntil,
} from '../../connectors/influxdb-sink/test-support/sink-fixture.js';
import { startTcpProxy } from '../../connectors/mqtt-source/test-support/tcp-proxy.js';
import { quoteIdent } from '../../lib/influx/influxql-client.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';

const env = stackEnv();
const OUTAGE_MS = Number(process.env.SINK_OUTAGE_MS ?? 30_000);
const BEFORE = 2000;
const DURING = 4000;
const MAX_BUFFERED = 1000;
const BATCH = 200;

describe('sink worker when InfluxDB is unreachable', () => {
  it(
    `retries through a ${OUTAGE_MS / 1000} s outage; lag grows, then drains; every point written once`,
    {
      timeout: OUTAGE_MS + 240_000,
    },
    async ({ onTestFinished }) => {
      const name = uniqueName('sinkout');
      const topic = `${name}.env`;
      const dlq = `${name}.dlq`;
      const measurement = topic.replace(/[.-]/g, '_');
      const groupId = `${name}-sink`;
      const kafka = kafkaFor(env, `${name}-test`);
      const admin = kafka.admin();
      await admin.connect();
      const proxy = await startTcpProxy({ targetPort: Number(new URL(env.INFLUX_URL!).port) });
      const db = await tempDatabase(env, 'iotp_sinkout');
      const q = db.q;
      onTestFinished(async () => {
        await proxy.close();
        await admin.deleteTopics([topic, dlq]).catch(() => undefined);
        await admin.disconnect();
        await db.drop();
      });
      await admin.createTopics([
        { topic, partitions: 2 },
        { topic: dlq, partitions: 1 },
      ]);
      const { encoder } = await registryAndEncoder(env, topic, schemaFile('environment'));
      const readings = makeReadings(BEFORE + DURING, 40, recentStart());
      const producer = kafka.producer();
      await producer.connect();
      onTestFinished(() => producer.disconnect());
      const produce = async (from: number, to: number) => {
        for (let i = from; i < to; i += 500) {
          await producer.send(
            readings
              .slice(i, Math.min(i + 500, to))
              .map((r) => ({ topic, key: r.deviceId, value: encoder.encodeSync(r), timestamp: r.ts })),
          );
        }
      };

      const settings = settingsFor({
        ...env,
        ...db.env,
        INFLUX_URL: `http://127.0.0.1:${proxy.port}`,
        INFLUX_API: 'v2',
        IOTP_SINK__TOPICS: `[${topic}]`,
        IOTP_SINK__TOPIC_PREFIX: '',
        IOTP_SINK__GROUP_ID: groupId,
        IOTP_SINK__BATCH_SIZE: String(BATCH),
        IOTP_SINK__LINGER: '100ms',
        IOTP_SINK__RETRIES__MAX: '100000',
        IOTP_SINK__RETRIES__INITIAL_BACKOFF: '100ms',
        IOTP_SINK__RETRIES__MAX_BACKOFF: '2s',
        IOTP_KAFKA__TOPICS__DLQ: dlq,
        IOTP_SINK__MAX_BUFFERED_POINTS: String(MAX_BUFFERED),
        IOTP_SINK__LAG_INTERVAL: '500ms',
      });
      const { sink, registry, fatal } = await startSinkHere(env, settings);
      onTestFinished(() => sink.stop());
      const lag = () => metricValue(registry, 'iotp_consumer_lag');

      await produce(0, BEFORE);
      await waitUntil('the first records are committed', () => {
        throwIfFatal(fatal);
        return allCommitted(admin, groupId, [topic], BEFORE);
      });
      expect(await q.rows(`SELECT count("temperature") FROM ${quoteIdent(measurement)}`)).toEqual([
        { time: 0, count: BEFORE },
      ]);
      await waitUntil('lag reads 0', async () => (await lag()) === 0);

      proxy.cut();
      const outageEnds = Date.now() + OUTAGE_MS;
      await produce(BEFORE, BEFORE + DURING);
      const seen = { maxLag: 0, maxBuffer: 0, paused: 0, influxDown: false };
      while (Date.now() < outageEnds) {
        seen.maxLag = Math.max(seen.maxLag, await lag());
        seen.maxBuffer = Math.max(seen.maxBuffer, await metricValue(registry, 'iotp_sink_buffer_points'));
        seen.paused = Math.max(seen.paused, await metricValue(registry, 'iotp_sink_fetch_paused'));
        if ((await metricValue(registry, 'iotp_sink_influx_up')) === 0) seen.influxDown = true;
        await new Promise((r) => setTimeout(r, 250));
      }
      const retriesDuringOutage = await metricValue(registry, 'iotp_sink_write_retries_total', { reason: 'network' });
      const committedDuringOutage = await admin.committedOffsets(groupId, [topic]);
      expect(committedDuringOutage.reduce((sum, c) => sum + Number(c.offset), 0)).toBe(BEFORE);
      expect(await q.rows(`SELECT count("temperature") FROM ${quoteIdent(measurement)}`)).toEqual([
        { time: 0, count: BEFORE },
      ]);
      proxy.restore();

      expect(retriesDuringOutage).toBeGreaterThan(0);
      expect(seen.influxDown).toBe(true);
      expect(seen.maxLag).toBe(DURING);
      expect(seen.paused).toBe(1);
      // Bounded: the buffer limit plus one fetched chunk (the batch being retried is held apart).
      expect(seen.maxBuffer).toBeGreaterThanOrEqual(MAX_BUFFERED);
      expect(seen.maxBuffer).toBeLessThanOrEqual(MAX_BUFFERED + BATCH);

      await waitUntil(
        'the lag drains after InfluxDB is back',
        () => {
          throwIfFatal(fatal);
          return allCommitted(admin, groupId, [topic], BEFORE + DURING);
        },
        120_000,
      );
      await waitUntil('the lag gauge reads 0', async () => (await lag()) === 0);
      expect(fatal).toEqual([]);
      expect(await metricValue(registry, 'iotp_sink_influx_up')).toBe(1);
      expect(await metricValue(registry, 'iotp_sink_fetch_paused')).toBe(0);

      const rows = await q.rows(
        `SELECT "temperature", "humidity", "site" FROM ${quoteIdent(measurement)} GROUP BY "deviceId"`,
      );
      const got = rows.map((r) => `${r.time}|${r.deviceId}|${r.site}|${r.temperature}|${r.humidity}`).sort();
      const expected = readings.map((r) => `${r.ts}|${r.deviceId}|${r.site}|${r.temperature}|${r.humidity}`).sort();
      expect(got).toHaveLength(BEFORE + DURING);
      expect(got).toEqual(expected);
    },
  );
});
