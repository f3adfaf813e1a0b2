import { join } from 'node:path';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { IotpError } from '../../lib/errors.js';
import { repoRoot } from '../../lib/runtime/stack-env.js';
import { loadSchemaFile } from '../../lib/serde/index.js';
import { compileRecordMapper } from './record-mapper.js';
import { ruleForTopic } from './route.js';

const opts = { prefix: 'telemetry.', extraTags: [] as string[] };

const environment = avro.Type.forSchema({
  type: 'record',
  name: 'Environment',
  namespace: 'iotp',
  fields: [
    { name: 'deviceId', type: 'string' },
    { name: 'ts', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'site', type: ['null', 'string'], default: null },
    { name: 'firmware', type: ['null', 'string'], default: null },
    { name: 'temperature', type: 'double' },
    { name: 'humidity', type: ['null', 'float'], default: null },
    { name: 'co2', type: ['null', 'int'], default: null },
    { name: 'battery', type: 'long' },
    { name: 'door_open', type: 'boolean' },
    { name: 'samples', type: { type: 'array', items: 'double' } },
  ],
});

const stats: avro.schema.RecordType = {
  type: 'record',
  name: 'Stats',
  fields: ['count', 'min', 'max', 'mean', 'sum', 'stddev', 'first', 'last'].map((name) => ({
    name,
    type: name === 'count' ? 'long' : 'double',
  })),
};
const windowWithMap = avro.Type.forSchema({
  type: 'record',
  name: 'WindowResult',
  fields: [
    { name: 'deviceId', type: 'string' },
    { name: 'site', type: ['null', 'string'], default: null },
    { name: 'windowStart', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'windowEnd', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'stats', type: { type: 'map', values: stats } },
  ],
});

const anomaly = avro.Type.forSchema({
  type: 'record',
  name: 'Anomaly',
  fields: [
    { name: 'deviceId', type: 'string' },
    { name: 'type', type: 'string' },
    { name: 'field', type: 'string' },
    { name: 'ts', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'value', type: 'double' },
    { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['SPIKE', 'DIP', 'STUCK'] } },
    { name: 'score', type: 'double' },
    {
      name: 'expected',
      type: [
        'null',
        {
          type: 'record',
          name: 'Band',
          fields: [
            { name: 'low', type: 'double' },
            { name: 'high', type: 'double' },
          ],
        },
      ],
      default: null,
    },
    { name: 'detector', type: 'string' },
    { name: 'message', type: 'string' },
  ],
});

describe('compileRecordMapper', () => {
  it('maps a raw reading: numeric and boolean fields, tags, event time', () => {
    const mapper = compileRecordMapper(environment, ruleForTopic('telemetry.environment', opts));
    const value = environment.fromBuffer(
      environment.toBuffer({
        deviceId: 'dev-1',
        ts: 1_700_000_000_123,
        site: 'lyon',
        firmware: '1.2.3',
        temperature: 21.5,
        humidity: 40.25,
        co2: null,
        battery: 97,
        door_open: false,
        samples: [1, 2],
      }),
    );
    expect(mapper.map(value, 42)).toEqual({
      measurement: 'environment',
      tags: { deviceId: 'dev-1', site: 'lyon' },
      fields: {
        temperature: { kind: 'float', value: 21.5 },
        humidity: { kind: 'float', value: 40.25 },
        battery: { kind: 'integer', value: 97 },
        door_open: { kind: 'boolean', value: false },
      },
      timestampMs: 1_700_000_000_123,
    });
  });

  it('adds configured low-cardinality tags and leaves out null ones', () => {
    const rule = ruleForTopic('telemetry.environment', { prefix: 'telemetry.', extraTags: ['firmware'] });
    const mapper = compileRecordMapper(environment, rule);
    const point = mapper.map(
      {
        deviceId: 'd',
        ts: 5,
        site: null,
        firmware: 'v2',
        temperature: 1,
        humidity: null,
        co2: 410,
        battery: 1,
        door_open: true,
        samples: [],
      },
      0,
    );
    expect(point.tags).toEqual({ deviceId: 'd', firmware: 'v2' });
    expect(point.fields.co2).toEqual({ kind: 'integer', value: 410 });
  });

  it('skips non-finite floats instead of writing them', () => {
    const mapper = compileRecordMapper(environment, ruleForTopic('telemetry.environment', opts));
    const point = mapper.map(
      {
        deviceId: 'd',
        ts: 5,
        site: null,
        firmware: null,
        temperature: Number.NaN,
        humidity: null,
        co2: null,
        battery: 1,
        door_open: true,
        samples: [],
      },
      0,
    );
    expect(Object.keys(point.fields)).toEqual(['battery', 'door_open']);
  });

  it('flattens a map of window stats as <field>_<stat>, timestamp = window start', () => {
    const mapper = compileRecordMapper(windowWithMap, ruleForTopic('telemetry.environment.agg.1m', opts));
    const s = (base: number) => ({
      count: 6,
      min: base,
      max: base + 2,
      mean: base + 1,
      sum: 6 * (base + 1),
      stddev: 0.5,
      first: base,
      last: base + 2,
    });
    const point = mapper.map(
      {
        deviceId: 'dev-1',
        site: 'lyon',
        windowStart: 60_000,
        windowEnd: 120_000,
        stats: { temperature: s(20), humidity: s(40) },
      },
      999,
    );
    expect(point.measurement).toBe('environment_1m');
    expect(point.timestampMs).toBe(60_000);
    expect(point.tags).toEqual({ deviceId: 'dev-1', site: 'lyon' });
    expect(point.fields).toMatchObject({
      windowEnd: { kind: 'integer', value: 120_000 },
      temperature_count: { kind: 'integer', value: 6 },
      temperature_min: { kind: 'float', value: 20 },
      temperature_max: { kind: 'float', value: 22 },
      temperature_mean: { kind: 'float', value: 21 },
      humidity_stddev: { kind: 'float', value: 0.5 },
      humidity_last: { kind: 'float', value: 42 },
    });
    expect(Object.keys(point.fields)).toHaveLength(1 + 2 * 8);
  });

  it('flattens nested stats records by field name', () => {
    const flat = avro.Type.forSchema({
      type: 'record',
      name: 'PowerWindow',
      fields: [
        { name: 'deviceId', type: 'string' },
        { name: 'windowStart', type: 'long' },
        { name: 'voltage', type: ['null', stats], default: null },
        { name: 'power_w', type: 'Stats' },
      ],
    });
    const mapper = compileRecordMapper(flat, ruleForTopic('telemetry.power.agg.1h', opts));
    const s = { count: 1, min: 1, max: 1, mean: 1, sum: 1, stddev: 0, first: 1, last: 1 };
    const point = mapper.map({ deviceId: 'p', windowStart: 3_600_000, voltage: null, power_w: s }, 0);
    expect(point.measurement).toBe('power_1h');
    expect(Object.keys(point.fields).sort()).toEqual(
      ['count', 'first', 'last', 'max', 'mean', 'min', 'stddev', 'sum'].map((k) => `power_w_${k}`).sort(),
    );
  });

  it('maps an anomaly: kind, detector, type, field as tags; band flattened; free text skipped', () => {
    const mapper = compileRecordMapper(anomaly, ruleForTopic('telemetry.anomalies', opts));
    const point = mapper.map(
      anomaly.fromBuffer(
        anomaly.toBuffer({
          deviceId: 'dev-9',
          type: 'environment',
          field: 'temperature',
          ts: 77,
          value: 80.5,
          kind: 'SPIKE',
          score: 0.97,
          expected: { low: 18, high: 24 },
          detector: 'zscore',
          message: 'free text with, spaces',
        }),
      ),
      0,
    );
    expect(point).toEqual({
      measurement: 'anomalies',
      tags: { deviceId: 'dev-9', type: 'environment', field: 'temperature', kind: 'SPIKE', detector: 'zscore' },
      fields: {
        value: { kind: 'float', value: 80.5 },
        score: { kind: 'float', value: 0.97 },
        expected_low: { kind: 'float', value: 18 },
        expected_high: { kind: 'float', value: 24 },
      },
      timestampMs: 77,
    });
  });

  it('writes device status as a string field', () => {
    const status = avro.Type.forSchema({
      type: 'record',
      name: 'DeviceStatus',
      fields: [
        { name: 'deviceId', type: 'string' },
        { name: 'ts', type: 'long' },
        { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['ONLINE', 'MISSING'] } },
        { name: 'lastSeen', type: { type: 'long', logicalType: 'timestamp-millis' } },
      ],
    });
    const point = compileRecordMapper(status, ruleForTopic('telemetry.device-status', opts)).map(
      { deviceId: 'd', ts: 10, status: 'MISSING', lastSeen: 4 },
      0,
    );
    expect(point).toEqual({
      measurement: 'device_status',
      tags: { deviceId: 'd' },
      fields: { status: { kind: 'string', value: 'MISSING' }, lastSeen: { kind: 'integer', value: 4 } },
      timestampMs: 10,
    });
  });

  it('reads wrapped unions', () => {
    const wrapped = avro.Type.forSchema(
      {
        type: 'record',
        name: 'W',
        fields: [
          { name: 'deviceId', type: 'string' },
          { name: 'ts', type: 'long' },
          { name: 'site', type: ['null', 'string'] },
          { name: 'v', type: ['null', 'double', 'long'] },
        ],
      },
      { wrapUnions: true },
    );
    const mapper = compileRecordMapper(wrapped, ruleForTopic('telemetry.w', opts));
    const point = mapper.map({ deviceId: 'd', ts: 1, site: { string: 's' }, v: { long: 5 } }, 0);
    expect(point.tags).toEqual({ deviceId: 'd', site: 's' });
    expect(point.fields).toEqual({ v: { kind: 'integer', value: 5 } });
  });

  it('uses the record timestamp when the schema has no event-time field', () => {
    const noTs = avro.Type.forSchema({
      type: 'record',
      name: 'N',
      fields: [
        { name: 'deviceId', type: 'string' },
        { name: 'x', type: 'int' },
      ],
    });
    expect(
      compileRecordMapper(noTs, ruleForTopic('telemetry.n', opts)).map({ deviceId: 'd', x: 1 }, 1234).timestampMs,
    ).toBe(1234);
  });

  it('fails with a code on a value that does not match its schema', () => {
    const mapper = compileRecordMapper(environment, ruleForTopic('telemetry.environment', opts));
    const run = (value: unknown) => {
      try {
        mapper.map(value, 0);
        return 'no error';
      } catch (error) {
        return error instanceof IotpError ? error.code : 'other';
      }
    };
    expect(run({ deviceId: 'd', ts: 1, temperature: 'hot' })).toBe('SINK_BAD_VALUE');
    expect(run({ deviceId: 'd', ts: null, temperature: 1 })).toBe('SINK_NO_TIMESTAMP');
    expect(run('not a record')).toBe('SINK_BAD_VALUE');
  });

  it('refuses a schema that is not a record', () => {
    expect(() => compileRecordMapper(avro.Type.forSchema('double'), ruleForTopic('telemetry.x', opts))).toThrow(
      expect.objectContaining({ code: 'SINK_SCHEMA_NOT_RECORD' }),
    );
  });
});

describe('the pipeline schemas (schemas/*.avsc)', () => {
  const load = (file: string) => loadSchemaFile(join(repoRoot, 'schemas', file)).type;

  it('environment reading -> environment', () => {
    const type = load('environment.avsc');
    const point = compileRecordMapper(type, ruleForTopic('telemetry.environment', opts)).map(
      type.fromBuffer(
        type.toBuffer({
          deviceId: 'env-1',
          ts: 1_000,
          site: 'lyon',
          temperature: 21.5,
          humidity: null,
          pressure: 1013.2,
        }),
      ),
      0,
    );
    expect(point).toEqual({
      measurement: 'environment',
      tags: { deviceId: 'env-1', site: 'lyon' },
      fields: { temperature: { kind: 'float', value: 21.5 }, pressure: { kind: 'float', value: 1013.2 } },
      timestampMs: 1_000,
    });
  });

  it('window result -> <type>_<window>, stats flattened, route tags as tags', () => {
    const type = load('window-result.avsc');
    const stat = {
      count: 2,
      min: 1,
      max: 3,
      mean: 2,
      sum: 4,
      stddev: 1,
      first: 1,
      last: 3,
      p50: null,
      p95: 2.9,
      p99: null,
    };
    const value = type.fromBuffer(
      type.toBuffer({
        deviceId: 'env-1',
        type: 'environment',
        site: '',
        windowStart: 60_000,
        windowEnd: 120_000,
        fields: { temperature: stat },
        count: 2,
        tags: { floor: '3' },
      }),
    );
    const point = compileRecordMapper(type, ruleForTopic('telemetry.environment.agg.1m', opts)).map(value, 0);
    expect(point.measurement).toBe('environment_1m');
    expect(point.timestampMs).toBe(60_000);
    expect(point.tags).toEqual({ deviceId: 'env-1', floor: '3' });
    expect(point.fields).toEqual({
      windowEnd: { kind: 'integer', value: 120_000 },
      temperature_count: { kind: 'integer', value: 2 },
      temperature_min: { kind: 'float', value: 1 },
      temperature_max: { kind: 'float', value: 3 },
      temperature_mean: { kind: 'float', value: 2 },
      temperature_sum: { kind: 'float', value: 4 },
      temperature_stddev: { kind: 'float', value: 1 },
      temperature_first: { kind: 'float', value: 1 },
      temperature_last: { kind: 'float', value: 3 },
      temperature_p95: { kind: 'float', value: 2.9 },
      count: { kind: 'integer', value: 2 },
    });
  });

  it('anomaly -> anomalies; device status -> device_status', () => {
    const anomalyType = load('anomaly.avsc');
    const a = compileRecordMapper(anomalyType, ruleForTopic('telemetry.anomalies', opts)).map(
      {
        deviceId: 'd',
        type: 'environment',
        site: 's',
        field: 'temperature',
        ts: 5,
        value: 90,
        kind: 'SPIKE',
        score: 0.9,
        expected: 21,
        lower: 18,
        upper: 24,
        detector: 'zscore',
      },
      0,
    );
    expect(a.tags).toEqual({
      deviceId: 'd',
      site: 's',
      type: 'environment',
      field: 'temperature',
      kind: 'SPIKE',
      detector: 'zscore',
    });
    expect(Object.keys(a.fields)).toEqual(['value', 'score', 'expected', 'lower', 'upper']);

    const statusType = load('device-status.avsc');
    const s = compileRecordMapper(statusType, ruleForTopic('telemetry.device-status', opts)).map(
      { deviceId: 'd', site: '', status: 'OFFLINE', ts: 9, reason: 'silent for 180 s', lastSeen: 3 },
      0,
    );
    expect(s).toEqual({
      measurement: 'device_status',
      tags: { deviceId: 'd' },
      fields: { status: { kind: 'string', value: 'OFFLINE' }, lastSeen: { kind: 'integer', value: 3 } },
      timestampMs: 9,
    });
  });
});
