/**
 * The sink worker on the real stack: Avro records in real Kafka -> real InfluxDB 1.8.10 (v1 and v2
 * API). Exact points for a known input; undecodable, unmappable and InfluxDB-refused records in the
 * dead-letter topic with their raw bytes and reason headers, the rest written; offsets committed.
 */
import { createHash } from 'node:crypto';
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
import { createV1Writer } from '../../connectors/influxdb-sink/writers/v1-writer.js';
import { quoteIdent } from '../../lib/influx/influxql-client.js';
import type { ConsumedRecord, ProducerRecord } from '../../lib/kafka/types.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';

const env = stackEnv();

describe.each(['v1', 'v2'] as const)('sink worker, InfluxDB %s API', (api) => {
  it('writes exactly the expected points; bad records go to the dead-letter topic with their bytes and reasons', async ({
    onTestFinished,
  }) => {
    const name = uniqueName(`sinkw-${api}`);
    const topic = `${name}.env`;
    const dlq = `${name}.dlq`;
    const measurement = topic.replace(/[.-]/g, '_');
    const kafka = kafkaFor(env, `${name}-test`);
    const admin = kafka.admin();
    await admin.connect();
    const db = await tempDatabase(env, `iotp_sinkw_${api}`);
    const q = db.q;
    onTestFinished(async () => {
      await admin.deleteTopics([topic, dlq]).catch(() => undefined);
      await admin.disconnect();
      await db.drop();
    });
    await admin.createTopics([
      { topic, partitions: 2 },
      { topic: dlq, partitions: 1 },
    ]);

    // pressure already exists as an integer in the shard of the readings (1.x types fields per shard,
    // i.e. per week): a float pressure is a field type conflict (400, partial write).
    const start = recentStart();
    const seeded = await createV1Writer({
      url: env.INFLUX_URL!,
      database: db.database,
      username: env.INFLUX_USERNAME,
      password: env.INFLUX_PASSWORD,
    }).write(`${measurement},deviceId=seed pressure=1i ${start}`);
    expect(seeded).toEqual({ ok: true });
    const { encoder } = await registryAndEncoder(env, topic, schemaFile('environment'));
    const readings = makeReadings(300, 10, start);
    const conflicting = new Set([10, 20, 30, 40, 50]);
    for (const i of conflicting) readings[i]!.pressure = 1013.5;
    const records: ProducerRecord[] = readings.map((r) => ({
      topic,
      key: r.deviceId,
      value: encoder.encodeSync(r),
      timestamp: r.ts,
    }));
    const garbage = [
      Buffer.from('not avro at all'),
      Buffer.from([0, 0, 0, 0]),
      Buffer.from([0, 0x7f, 0xff, 0xff, 0xff, 1]),
    ];
    for (const g of garbage) records.push({ topic, key: 'dev-0', value: g });
    const badName = { deviceId: 'bad\nid', ts: start, site: '', temperature: 1, humidity: null, pressure: null };
    records.push({ topic, key: 'dev-1', value: encoder.encodeSync(badName) });
    records.push({ topic, key: 'dev-2', value: null });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send(records);
    await producer.disconnect();

    const groupId = `${name}-sink`;
    const settings = settingsFor({
      ...env,
      ...db.env,
      INFLUX_API: api,
      IOTP_SINK__TOPICS: `[${topic}]`,
      IOTP_SINK__TOPIC_PREFIX: '',
      IOTP_SINK__GROUP_ID: groupId,
      IOTP_SINK__BATCH_SIZE: '40',
      IOTP_SINK__LINGER: '100ms',
      IOTP_KAFKA__TOPICS__DLQ: dlq,
      SINK_REPLICA_ID: `${name}-r1`,
      SINK_LAG_INTERVAL_MS: '500',
    });
    const { sink, registry, fatal } = await startSinkHere(env, settings);
    onTestFinished(() => sink.stop());
    await waitUntil('the sink committed every record', () => {
      throwIfFatal(fatal);
      return allCommitted(admin, groupId, [topic], records.length);
    });
    expect(fatal).toEqual([]);

    const expected = readings
      .filter((_, i) => !conflicting.has(i))
      .map((r) => ({
        time: r.ts,
        deviceId: r.deviceId,
        site: r.site,
        temperature: r.temperature,
        humidity: r.humidity,
      }))
      .sort((a, b) => a.time - b.time || a.deviceId.localeCompare(b.deviceId));
    const rows = await q.rows(
      `SELECT "temperature", "humidity", "site" FROM ${quoteIdent(measurement)} WHERE "deviceId" != 'seed' GROUP BY "deviceId"`,
    );
    const got = rows
      .map((r) => ({
        time: r.time,
        deviceId: r.deviceId,
        site: r.site,
        temperature: r.temperature,
        humidity: r.humidity,
      }))
      .sort((a, b) => (a.time as number) - (b.time as number) || String(a.deviceId).localeCompare(String(b.deviceId)));
    expect(got).toHaveLength(295);
    expect(got).toEqual(expected);

    const dead: ConsumedRecord[] = [];
    await kafka.replay({ topic: dlq, partitions: [0], onRecords: (rs) => void dead.push(...rs) });
    const reasons = dead.map((d) => d.headers['error.reason']).sort();
    expect(reasons).toEqual([
      ...Array(3).fill('DESERIALIZATION_FAILED'),
      ...Array(5).fill('INFLUX_REJECTED'),
      'UNMAPPABLE',
    ]);
    for (const d of dead) {
      expect(d.headers).toMatchObject({
        'error.stage': 'influxdb-sink',
        'source.topic': topic,
        'error.source': `${name}-r1`,
      });
      expect(d.headers['source.offset']).toMatch(/^\d+$/);
      expect(Number.isNaN(Date.parse(d.headers['error.time'] ?? ''))).toBe(false);
    }
    const refused = dead.filter((d) => d.headers['error.reason'] === 'INFLUX_REJECTED');
    for (const d of refused) {
      expect(d.headers['influx.status']).toBe('400');
      expect(d.headers['error.message']).toContain(
        `field type conflict: input field "pressure" on measurement "${measurement}" is type float, already exists as type integer`,
      );
      const original = records.find((r) => r.value && d.value && Buffer.compare(r.value, d.value) === 0);
      expect(original, 'the dead letter holds the original bytes').toBeDefined();
      expect(readings.findIndex((r) => encoder.encodeSync(r).equals(d.value as Buffer))).toSatisfy((i: number) =>
        conflicting.has(i),
      );
    }
    const decodeFailures = dead
      .filter((d) => d.headers['error.reason'] === 'DESERIALIZATION_FAILED')
      .map((d) => (d.value as Buffer).toString('hex'));
    expect(decodeFailures.sort()).toEqual(garbage.map((g) => g.toString('hex')).sort());
    expect(dead.find((d) => d.headers['error.reason'] === 'UNMAPPABLE')?.headers['error.code']).toBe(
      'SINK_UNREPRESENTABLE_NAME',
    );

    expect(await metricValue(registry, 'iotp_sink_points_written_total')).toBe(295);
    expect(await metricValue(registry, 'iotp_dead_letters_total', { reason: 'INFLUX_REJECTED' })).toBe(5);
    expect(await metricValue(registry, 'iotp_dead_letters_total', { reason: 'DESERIALIZATION_FAILED' })).toBe(3);
    expect(await metricValue(registry, 'iotp_records_in_total')).toBe(305);
    expect(await metricValue(registry, 'iotp_sink_batches_total', { result: 'partial' })).toBeGreaterThan(0);
    await waitUntil('lag reads 0 once everything is committed', async () => {
      const lag = await metricValue(registry, 'iotp_consumer_lag');
      const series = (await registry.getSingleMetric('iotp_consumer_lag')?.get())?.values.length ?? 0;
      return series === 2 && lag === 0;
    });
  });
});

describe('sink worker: a dead letter near the size limit', () => {
  it('an undecodable record larger than the dead-letter topic takes becomes a dead letter cut to fit; the good record after it is written', async ({
    onTestFinished,
  }) => {
    const name = uniqueName('sinkw-big');
    const topic = `${name}.env`;
    const dlq = `${name}.dlq`;
    const measurement = topic.replace(/[.-]/g, '_');
    const kafka = kafkaFor(env, `${name}-test`);
    const admin = kafka.admin();
    await admin.connect();
    const db = await tempDatabase(env, 'iotp_sinkw_big');
    onTestFinished(async () => {
      await admin.deleteTopics([topic, dlq]).catch(() => undefined);
      await admin.disconnect();
      await db.drop();
    });
    // The bound comes from the dead-letter topic's own max.message.bytes, read at start.
    await admin.createTopics([
      { topic, partitions: 1 },
      { topic: dlq, partitions: 1, config: { 'max.message.bytes': '500000' } },
    ]);
    const { encoder } = await registryAndEncoder(env, topic, schemaFile('environment'));
    const start = recentStart();
    const [good] = makeReadings(1, 1, start);
    if (good === undefined) throw new Error('makeReadings gave no reading');
    const big = Buffer.alloc(600_000, 0x42); // fits the input topic, not the dead-letter topic
    const producer = kafka.producer();
    await producer.connect();
    await producer.send([
      { topic, key: 'dev-big', value: big, headers: { origin: 'x'.repeat(900) } },
      { topic, key: good.deviceId, value: encoder.encodeSync(good), timestamp: good.ts },
    ]);
    await producer.disconnect();

    const groupId = `${name}-sink`;
    const settings = settingsFor({
      ...env,
      ...db.env,
      IOTP_SINK__TOPICS: `[${topic}]`,
      IOTP_SINK__TOPIC_PREFIX: '',
      IOTP_SINK__GROUP_ID: groupId,
      IOTP_SINK__LINGER: '100ms',
      IOTP_KAFKA__TOPICS__DLQ: dlq,
      SINK_REPLICA_ID: `${name}-r1`,
    });
    const { sink, registry, fatal } = await startSinkHere(env, settings);
    onTestFinished(() => sink.stop());
    await waitUntil('the sink committed both records', () => {
      throwIfFatal(fatal);
      return allCommitted(admin, groupId, [topic], 2);
    });
    expect(fatal).toEqual([]);

    const dead: ConsumedRecord[] = [];
    await kafka.replay({ topic: dlq, partitions: [0], onRecords: (rs) => void dead.push(...rs) });
    expect(dead).toHaveLength(1);
    const [d] = dead as [ConsumedRecord];
    expect(d.key?.toString()).toBe('dev-big');
    expect(d.headers).toMatchObject({
      'error.stage': 'influxdb-sink',
      'error.reason': 'DESERIALIZATION_FAILED',
      'payload.truncated': 'true',
      'payload.size': String(big.length),
      'payload.sha256': createHash('sha256').update(big).digest('hex'),
    });
    expect(d.value?.length).toBeGreaterThan(490_000);
    expect(d.value?.length).toBeLessThan(500_000);
    expect(Buffer.compare(d.value as Buffer, big.subarray(0, d.value?.length))).toBe(0);
    expect(await metricValue(registry, 'iotp_dead_letters_truncated_total', { stage: 'influxdb-sink' })).toBe(1);
    const rows = await db.q.rows(`SELECT "temperature" FROM ${quoteIdent(measurement)}`);
    expect(rows.map((r) => r.temperature)).toEqual([good.temperature]);
  });
});
