/**
 * The enrich topology on the real stack (issue 16 part 3): `iotp streams run enrich` on a pipeline
 * of its own (registry topic included); registry records for three of four devices, then readings;
 * every reading comes out on `<topic>.enriched` with its device's model, firmware and tags (the
 * unregistered one with none); the per-site window results count the readings of every device of
 * each site; the InfluxDB sink writes them to `environment_10s_by_site` with those counts.
 */
import { describe, expect, it } from 'vitest';
import {
  allCommitted,
  settingsFor,
  startSinkHere,
  tempDatabase,
  throwIfFatal,
  waitUntil,
} from '../../connectors/influxdb-sink/test-support/sink-fixture.js';
import { registryAuthFromEnv } from '../../lib/clients/index.js';
import { deviceSerdeFrom, emptyRecord, writeRegistryRecords } from '../../lib/devices/registry/index.js';
import { createKafkaClient, kafkaConfigFromEnv } from '../../lib/kafka/index.js';
import type { ConsumedRecord, KafkaClient } from '../../lib/kafka/types.js';
import { createAvroDecoder, createAvroEncoder, createSchemaRegistryClient } from '../../lib/serde/index.js';
import type { WindowResult } from '../../streams/topologies/aggregate/window-accumulator.js';
import { testPipeline } from '../../streams/topologies/test-support/pipeline-fixture.js';
import { spawnIotp } from '../helpers/child-process.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';

const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const PARTITIONS = 3;
const SECONDS = 30;
/** deviceId -> [registry site, model, reading site]; env-4 is not in the registry. */
const DEVICES: Record<string, [string, string, string] | [null, null, string]> = {
  'env-1': ['lyon', 'th-2', 'x'],
  'env-2': ['lyon', 'th-2', 'lyon'],
  'env-3': ['paris', 'th-3', 'paris'],
  'env-4': [null, null, 'nice'],
};

async function readAll(client: KafkaClient, topic: string): Promise<ConsumedRecord[]> {
  const out: ConsumedRecord[] = [];
  await client.replay({
    topic,
    partitions: Array.from({ length: PARTITIONS }, (_, i) => i),
    isolation: 'read_committed',
    onRecords: (records) => {
      out.push(...records);
    },
  });
  return out;
}

describe('enrich topology on the real stack (iotp streams run enrich)', () => {
  it(
    'enriches readings with the registry, counts each site over its devices, and the sink writes the site measurement',
    {
      timeout: 240_000,
    },
    async ({ onTestFinished }) => {
      const env = stackEnv();
      const prefix = uniqueName('enrich');
      // testPipeline writes its `streams` lines into the YAML as given: the sections after them are top-level.
      const pipeline = await testPipeline(env, prefix, {
        partitions: PARTITIONS,
        streams: [
          '  commitInterval: 200ms',
          // The fleet windows' sub-topologies have their own stream time: a partition of a
          // repartition topic that gets no record past a window's end closes it by the idle rule.
          '  idleTimeout: 3s',
          'devices:',
          `  topic: ${prefix}.devices`,
          'enrich:',
          '  enabled: true',
          '  fleet: { by: [site, model], windows: [{ size: 10s, grace: 2s }] }',
        ].join('\n'),
      });
      onTestFinished(() => pipeline.cleanup());
      const { config } = pipeline;
      const envTopic = `${prefix}.environment`;
      const client = createKafkaClient(kafkaConfigFromEnv(env, { clientId: `${prefix}-test` }));

      // Registry records first (the usual case; the unit tests cover records that come later).
      const { topic: devicesTopic, serde } = deviceSerdeFrom(config);
      const records = Object.entries(DEVICES).flatMap(([id, [site, model]]) =>
        site === null ? [] : [{ ...emptyRecord(id), site, model, firmware: '1.4.0', tags: { building: `b-${site}` } }],
      );
      // Stamped now, after the readings' event times: the fleet windows after the repartition keep
      // their own stream time, so the table's records cannot close them early.
      await writeRegistryRecords(client, devicesTopic, serde, { records });

      const worker = spawnIotp(['streams', 'run', 'enrich', '--config', pipeline.file], { logLevel: 'info' });
      onTestFinished(async () => {
        await worker.stop();
      });
      const port = await worker.port();
      await waitUntil(
        'the enrich worker is ready',
        async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200,
        60_000,
      );

      const registry = createSchemaRegistryClient({ url: config.registry.url, ...registryAuthFromEnv(env) });
      const route = config.readingRoutes.find((r) => r.type === 'environment');
      const encoder = createAvroEncoder({
        registry,
        subject: route?.subject as string,
        schema: route?.schema as never,
      });
      await encoder.schemaId();
      const producer = client.producer({ idempotent: true });
      await producer.connect();
      onTestFinished(() => producer.disconnect());
      const readings = [];
      for (let s = 0; s < SECONDS; s++)
        for (const [deviceId, [, , site]] of Object.entries(DEVICES)) {
          const ts = T0 + s * 1000;
          readings.push({
            topic: envTopic,
            key: deviceId,
            value: encoder.encodeSync({ deviceId, ts, site, temperature: 20 + s, humidity: null, pressure: null }),
            timestamp: ts,
          });
        }
      // Sent one window (10 s) at a time, the next only once the worker read this one back from the
      // repartition topics. The fleet windows have their own stream time (as in Kafka Streams), but a
      // repartition partition interleaves the records of every upstream partition: under a backlog
      // their event-time skew can pass the 2 s grace (docs/ARCHITECTURE.md, "Enrichment and fleet views").
      const admin = client.admin();
      await admin.connect();
      onTestFinished(() => admin.disconnect());
      const app = `${prefix}-enrich`;
      const repartitions = ['site', 'model'].map((by) => `${app}-environment-by-${by}-repartition`);
      const consumed = async () => {
        const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        let n = 0;
        for (const line of text.split('\n'))
          if (line.startsWith('iotp_records_in_total{') && repartitions.some((t) => line.includes(`topic="${t}"`)))
            n += Number(line.split(' ').pop());
        return n;
      };
      const perWindow = Object.keys(DEVICES).length * 10;
      for (let w = 0; w < SECONDS / 10; w++) {
        await producer.send(readings.slice(w * perWindow, (w + 1) * perWindow));
        // by site: every reading; by model: those of the three registered devices.
        const expected = ((w + 1) * perWindow * 7) / 4;
        let seen = 0;
        await waitUntil(
          () => `window ${w} through the repartition topics (${seen} of ${expected})`,
          async () => {
            seen = await consumed();
            return seen >= expected;
          },
          60_000,
        );
      }
      // Stream time past the last window's end + grace on every source partition; the repartition
      // partitions these do not reach close their windows by the idle rule.
      const flushTs = T0 + 60_000;
      await producer.send(
        Array.from({ length: PARTITIONS }, (_, p) => ({
          topic: envTopic,
          partition: p,
          key: `flush-${p}`,
          value: encoder.encodeSync({
            deviceId: `flush-${p}`,
            ts: flushTs,
            site: '',
            temperature: 0,
            humidity: null,
            pressure: null,
          }),
          timestamp: flushTs,
        })),
      );

      // Enriched readings: every one, with its device's registry fields.
      const enrichedDecoder = createAvroDecoder<Record<string, unknown>>({ registry });
      let enriched: Record<string, unknown>[] = [];
      await waitUntil(
        'every reading enriched',
        async () => {
          enriched = [];
          for (const r of await readAll(client, `${envTopic}.enriched`))
            enriched.push((await enrichedDecoder.decode(r.value as Buffer)).value);
          return enriched.length >= readings.length + PARTITIONS;
        },
        90_000,
      );
      expect(enriched.length).toBe(readings.length + PARTITIONS);
      const first = (id: string) => enriched.find((e) => e.deviceId === id);
      expect(first('env-1')).toMatchObject({
        site: 'lyon',
        model: 'th-2',
        firmware: '1.4.0',
        deviceTags: { building: 'b-lyon' },
      });
      expect(first('env-3')).toMatchObject({ site: 'paris', model: 'th-3', deviceTags: { building: 'b-paris' } });
      expect(first('env-4')).toMatchObject({ site: 'nice', model: '', firmware: '', deviceTags: {} });
      expect(enriched.filter((e) => e.model === 'th-2').length).toBe(2 * SECONDS);

      // Site windows: 3 windows of 10 s; lyon has two devices, paris and nice one each.
      const siteTopic = `${envTopic}.agg.site.10s`;
      const resultDecoder = createAvroDecoder<WindowResult>({ registry, reader: config.outputSchemas.windowResult });
      let sites: { key: string; value: WindowResult }[] = [];
      await waitUntil(
        'the site window results',
        async () => {
          sites = [];
          for (const r of await readAll(client, siteTopic))
            sites.push({ key: r.key?.toString() ?? '', value: (await resultDecoder.decode(r.value as Buffer)).value });
          return sites.length >= 9;
        },
        90_000,
      ).catch(async (e) => {
        const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        throw new Error(
          `${e}\n${JSON.stringify(sites.map((x) => [x.key, x.value.windowStart - T0, x.value.count]))}\n${text
            .split('\n')
            .filter((l) => l.includes('late') || l.includes('records_in') || l.includes('stream_time'))
            .join('\n')}`,
        );
      });
      const counts = Object.fromEntries(
        sites.map((s) => [`${s.key}@${(s.value.windowStart - T0) / 1000}`, s.value.count]),
      );
      expect(counts).toEqual({
        'lyon@0': 20,
        'lyon@10': 20,
        'lyon@20': 20,
        'paris@0': 10,
        'paris@10': 10,
        'paris@20': 10,
        'nice@0': 10,
        'nice@10': 10,
        'nice@20': 10,
      });
      expect(sites.every((s) => s.value.deviceId === '' && s.value.site === s.key)).toBe(true);
      const lyon0 = sites.find((s) => s.key === 'lyon' && s.value.windowStart === T0)?.value;
      expect(lyon0?.fields.temperature).toMatchObject({ count: 20, min: 20, max: 29, sum: 2 * (20 * 10 + 45) });
      const models = await readAll(client, `${envTopic}.agg.model.10s`);
      expect(new Set(models.map((m) => m.key?.toString()))).toEqual(new Set(['th-2', 'th-3']));
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toMatch(/iotp_enrich_records_total\{type="environment",registered="true"[^}]*\} 90/);
      expect(metrics).not.toMatch(/iotp_late_records_total\{store="environment-(site|model)-10s"/);

      // The sink writes the site view to environment_10s_by_site, one point per site and window.
      const db = await tempDatabase(env, 'enrich');
      onTestFinished(() => db.drop());
      const groupId = `${prefix}-sink`;
      const settings = settingsFor({
        ...env,
        ...db.env,
        INFLUX_API: 'v1',
        IOTP_SINK__TOPICS: `[${siteTopic}]`,
        IOTP_SINK__TOPIC_PREFIX: `${prefix}.`,
        IOTP_SINK__GROUP_ID: groupId,
        IOTP_SINK__LINGER: '100ms',
        IOTP_KAFKA__TOPICS__DLQ: `${prefix}.dlq`,
      });
      const { sink, fatal } = await startSinkHere(env, settings);
      onTestFinished(() => sink.stop());
      await waitUntil(
        'the sink wrote the site view',
        async () => {
          throwIfFatal(fatal);
          return allCommitted(admin, groupId, [siteTopic], sites.length);
        },
        60_000,
      );
      const rows = await db.q.rows('SELECT sum("count") AS n FROM "environment_10s_by_site" GROUP BY "site"');
      const bySite = Object.fromEntries(rows.map((r) => [r.site, r.n]));
      expect(bySite).toEqual({ lyon: 60, paris: 30, nice: 30 });
      expect(await db.q.rows('SHOW TAG KEYS FROM "environment_10s_by_site"')).not.toContainEqual({
        tagKey: 'deviceId',
      });
    },
  );
});
