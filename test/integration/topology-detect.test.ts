import { describe, expect, it } from 'vitest';
import { registryAuthFromEnv } from '../../lib/clients/index.js';
import { createKafkaClient, kafkaConfigFromEnv } from '../../lib/kafka/index.js';
import type { KafkaClient } from '../../lib/kafka/types.js';
import { createAvroDecoder, createAvroEncoder, createSchemaRegistryClient } from '../../lib/serde/index.js';
import { gaussian, seededRandom } from '../../streams/detectors/testing/synthetic-series.js';
import type { AnomalyRecord } from '../../streams/topologies/detect/anomaly-record.js';
import { testPipeline } from '../../streams/topologies/test-support/pipeline-fixture.js';
import { spawnIotp } from '../helpers/child-process.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';

const T0 = 1_767_225_600_000;
const PARTITIONS = 3;
const HISTORY = 300;
const AT = 250; // index of the injected anomalies

type Reading = { deviceId: string; ts: number; site: string } & Record<string, number | string | null>;

/** Env readings, one per second of event time: noise around per-device levels, plus an injection. */
function environment(
  deviceId: string,
  seed: number,
  from: number,
  n: number,
  inject?: (i: number, r: Reading) => void,
): Reading[] {
  const rng = seededRandom(seed);
  const out: Reading[] = [];
  for (let i = from; i < from + n; i++) {
    const r: Reading = {
      deviceId,
      ts: T0 + i * 1000,
      site: 'plant',
      temperature: 20 + 0.5 * gaussian(rng),
      humidity: 45 + 1 * gaussian(rng),
      pressure: 1013 + 0.5 * gaussian(rng),
    };
    inject?.(i, r);
    out.push(r);
  }
  return out;
}

function power(
  deviceId: string,
  seed: number,
  from: number,
  n: number,
  inject?: (i: number, r: Reading) => void,
): Reading[] {
  const rng = seededRandom(seed);
  const out: Reading[] = [];
  for (let i = from; i < from + n; i++) {
    const r: Reading = {
      deviceId,
      ts: T0 + i * 1000,
      site: 'plant',
      voltage: 230 + 1 * gaussian(rng),
      current: 10 + 0.5 * gaussian(rng),
      power: 2300 + 50 * gaussian(rng),
      energy: null, // a counter: detectors for it are switched off by an override in real configs
    };
    inject?.(i, r);
    out.push(r);
  }
  return out;
}

async function readAll(client: KafkaClient, topic: string) {
  const out: { key: string; value: Buffer }[] = [];
  await client.replay({
    topic,
    partitions: Array.from({ length: PARTITIONS }, (_, i) => i),
    isolation: 'read_committed',
    onRecords: (records) => {
      for (const r of records) out.push({ key: r.key?.toString() ?? '', value: r.value as Buffer });
    },
  });
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('detect topology on the real broker (iotp streams run detect)', () => {
  it('a spike, a level shift, a stuck sensor, an out-of-range value, a silent and an offline device each come out as the right anomaly', async ({
    onTestFinished,
  }) => {
    const env = stackEnv();
    const prefix = uniqueName('det');
    const pipeline = await testPipeline(env, prefix, {
      partitions: PARTITIONS,
      streams: '  processingGuarantee: exactly_once\n  commitInterval: 200ms',
      detectors: [
        // Warmup 100: right after a 30-reading warmup the baseline's spread is underestimated (normal, not Student-t, quantiles).
        '  defaults: { warmup: 100 }',
        // One test per record and field: at 99.9999% the ~45k tests here expect 0.05 false alarms, so the
        // normal devices must stay quiet (at 99.99% they raise about 4).
        '  spikeDip: { enabled: true, confidence: 99.9999, history: 120 }',
        '  levelShift: { enabled: true, confidence: 99.9999, window: 30 }',
        '  stuck: { enabled: true, repeats: 20 }',
        '  outOfRange: { enabled: true }',
        // This test checks the simple detectors' kinds, timing and silence on the real broker. The
        // combined detector (the default) would open the step's and the spike's incidents first, with
        // its own kind (its jump channel sees the step's first record): its live score is checked by
        // bench/detect-live/detection-targets.test.ts and the demo test, on the whole pipeline.
        '  combined: { enabled: false }',
        // A field's alarms less than the cooldown apart are one incident, of its first alarm's kind:
        // spike-dip would open the pressure step's incident as a SPIKE before level-shift sees it.
        '  overrides: [{ type: environment, field: pressure, detector: spikeDip, settings: { enabled: false } }]',
        '  missing: { expectedInterval: 1s, tolerance: 5, checkInterval: 1s }',
      ].join('\n'),
    });
    onTestFinished(() => pipeline.cleanup());
    const { config } = pipeline;
    const client = createKafkaClient(kafkaConfigFromEnv(env, { clientId: `${prefix}-test` }));
    const registry = createSchemaRegistryClient({ url: config.registry.url, ...registryAuthFromEnv(env) });
    const encoders = new Map(
      config.readingRoutes.map((r) => [r.topic, createAvroEncoder({ registry, subject: r.subject, schema: r.schema })]),
    );
    const statusEncoder = createAvroEncoder({
      registry,
      subject: `${config.kafka.topics.deviceStatus}-value`,
      schema: config.outputSchemas.deviceStatus,
    });
    for (const e of [...encoders.values(), statusEncoder]) await e.schemaId();
    const producer = client.producer({ idempotent: true });
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const envTopic = `${prefix}.environment`;
    const powerTopic = `${prefix}.power`;
    const send = async (topic: string, readings: Reading[]) => {
      const enc = encoders.get(topic);
      for (let i = 0; i < readings.length; i += 2000)
        await producer.send(
          readings.slice(i, i + 2000).map((r) => ({
            topic,
            key: r.deviceId,
            value: enc?.encodeSync(r) as Buffer,
            timestamp: r.ts,
          })),
        );
    };

    // History with the injected anomalies at record AT.
    const normalEnv = Array.from({ length: 30 }, (_, d) => `env-${d}`);
    const normalPower = Array.from({ length: 10 }, (_, d) => `pw-${d}`);
    const envDevices: [string, ((i: number, r: Reading) => void) | undefined][] = [
      ...normalEnv.map((d) => [d, undefined] as [string, undefined]),
      [
        'env-spike',
        (i, r) => {
          if (i === AT) r.temperature = 31;
        },
      ],
      [
        'env-shift',
        (i, r) => {
          if (i >= AT) r.pressure = (r.pressure as number) + 3;
        },
      ],
      [
        'env-stuck',
        (i, r) => {
          if (i >= AT) r.humidity = 47.5;
        },
      ],
      ['env-silent', undefined],
      ['env-offline', undefined],
    ];
    const powerDevices: [string, ((i: number, r: Reading) => void) | undefined][] = [
      ...normalPower.map((d) => [d, undefined] as [string, undefined]),
      [
        'pw-range',
        (i, r) => {
          if (i === AT) r.voltage = 600;
        },
      ],
    ];
    const seedOf = (d: string) => [...d].reduce((a, c) => a * 31 + c.charCodeAt(0), 7) >>> 0;
    const history = (from: number, n: number) => ({
      env: envDevices
        .flatMap(([d, inject]) => environment(d, seedOf(d) + from, from, n, inject))
        .sort((a, b) => a.ts - b.ts),
      power: powerDevices
        .flatMap(([d, inject]) => power(d, seedOf(d) + from, from, n, inject))
        .sort((a, b) => a.ts - b.ts),
    });

    const worker = spawnIotp(['streams', 'run', 'detect', '--config', pipeline.file], { logLevel: 'info' });
    onTestFinished(async () => {
      await worker.stop();
    });
    await worker.port();
    const h = history(0, HISTORY);
    await send(envTopic, h.env);
    await send(powerTopic, h.power);
    await producer.send([
      {
        topic: config.kafka.topics.deviceStatus,
        key: 'env-offline',
        value: statusEncoder.encodeSync({
          deviceId: 'env-offline',
          site: 'plant',
          status: 'OFFLINE',
          ts: T0 + HISTORY * 1000,
          reason: 'Last Will',
          lastSeen: null,
        }),
        timestamp: T0 + HISTORY * 1000,
      },
    ]);

    // Live phase: everyone but the silent and the offline device keeps reporting once a second (wall clock).
    const decoder = createAvroDecoder<AnomalyRecord>({ registry, reader: config.outputSchemas.anomaly });
    const anomalies = async () =>
      Promise.all(
        (await readAll(client, config.kafka.topics.anomalies)).map(async (r) => ({
          key: r.key,
          ...(await decoder.decode(r.value)).value,
        })),
      );
    let got: (AnomalyRecord & { key: string })[] = [];
    const live = (d: string) => d !== 'env-silent' && d !== 'env-offline';
    const deadline = Date.now() + 90_000;
    for (let second = HISTORY; ; second++) {
      const next = history(second, 1);
      await send(
        envTopic,
        next.env.filter((r) => live(r.deviceId)),
      );
      await send(powerTopic, next.power);
      await sleep(1000);
      got = await anomalies();
      if (got.some((a) => a.deviceId === 'env-silent' && a.kind === 'MISSING') && second > HISTORY + 8) break;
      if (Date.now() > deadline) throw new Error(`no MISSING for env-silent in time\n${worker.output().slice(-3000)}`);
    }
    expect(await worker.stop()).toBe(0);
    got = await anomalies();

    // Incidents as they open (a closed one is written once more, CLOSED).
    const about = (deviceId: string) => got.filter((a) => a.deviceId === deviceId && a.status === 'OPEN');
    const one = (deviceId: string, kind: string) => {
      const list = about(deviceId).filter((a) => a.kind === kind);
      expect(list, `${deviceId} ${kind}: ${JSON.stringify(about(deviceId))}`).toHaveLength(1);
      return list[0] as AnomalyRecord & { key: string };
    };
    const sec = (a: AnomalyRecord) => (a.ts - T0) / 1000;

    const spike = one('env-spike', 'SPIKE');
    expect(spike).toMatchObject({
      key: 'env-spike',
      type: 'environment',
      site: 'plant',
      field: 'temperature',
      value: 31,
      detector: 'spike-dip',
    });
    expect(sec(spike)).toBe(AT);

    const shift = one('env-shift', 'LEVEL_SHIFT');
    expect(shift).toMatchObject({ type: 'environment', field: 'pressure', detector: 'level-shift' });
    expect(sec(shift)).toBeGreaterThanOrEqual(AT);
    expect(sec(shift)).toBeLessThanOrEqual(AT + 30);

    const stuck = one('env-stuck', 'STUCK');
    expect(stuck).toMatchObject({ type: 'environment', field: 'humidity', value: 47.5, detector: 'stuck' });
    expect(sec(stuck)).toBeGreaterThanOrEqual(AT + 19);
    expect(sec(stuck)).toBeLessThanOrEqual(AT + 25);

    const range = one('pw-range', 'OUT_OF_RANGE');
    expect(range).toMatchObject({
      type: 'power',
      field: 'voltage',
      value: 600,
      upper: 500,
      lower: 0,
      score: 1,
      detector: 'out-of-range',
    });
    expect(sec(range)).toBe(AT);

    const silent = one('env-silent', 'MISSING');
    expect(silent).toMatchObject({
      type: 'environment',
      field: '',
      value: null,
      detector: 'heartbeat',
      expected: 1000,
      upper: 5000,
    });
    expect(sec(silent)).toBe(HISTORY); // the reading due after its last one (299 s) + its 1 s interval

    // The OFFLINE status gives MISSING from the status detector. Under load the wall-clock heartbeat
    // check may also see the silence before the status record is read: a second MISSING, also right.
    const offlineAlarms = about('env-offline');
    expect(
      offlineAlarms.every((a) => a.kind === 'MISSING'),
      JSON.stringify(offlineAlarms),
    ).toBe(true);
    const fromStatus = offlineAlarms.filter((a) => a.detector === 'device-status');
    expect(fromStatus, JSON.stringify(offlineAlarms)).toHaveLength(1);
    expect(fromStatus[0]).toMatchObject({ field: '', ts: T0 + HISTORY * 1000 });
    expect(offlineAlarms.length).toBeLessThanOrEqual(2);

    // The injected devices raise nothing on the fields left alone, and the others raise nothing at all.
    expect(about('env-spike').filter((a) => a.field !== 'temperature')).toEqual([]);
    expect(about('env-shift').filter((a) => a.field !== 'pressure')).toEqual([]);
    expect(about('env-stuck').filter((a) => a.field !== 'humidity')).toEqual([]);
    expect(about('pw-range').filter((a) => a.field !== 'voltage')).toEqual([]);
    const normals = new Set([...normalEnv, ...normalPower]);
    expect(got.filter((a) => normals.has(a.deviceId))).toEqual([]);
  });
});
