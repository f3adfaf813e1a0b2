import { join } from 'node:path';
import type { Type } from 'avsc';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { DeviceRecord } from '../../lib/devices/registry/index.js';
import { emptyRecord, type RegistryChange } from '../../lib/devices/registry/index.js';
import type { ConsumedRecord } from '../../lib/kafka/types.js';
import { repoRoot } from '../../lib/runtime/stack-env.js';
import { createAvroDecoder, encodeWire, loadSchemaFile } from '../../lib/serde/index.js';
import { deviceTagsLookup, mergeTags } from './device-tags.js';
import { createPointMaker } from './point-maker.js';
import { ruleForTopic } from './route.js';

const log = pino({ level: 'silent' });

/** A registry view over a map, with the change notifications of the real one. */
function fakeView(records: DeviceRecord[]) {
  const table = new Map(records.map((r) => [r.deviceId, r]));
  const listeners = new Set<(c: RegistryChange) => void>();
  return {
    get: (id: string) => table.get(id),
    onChange(listener: (c: RegistryChange) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    put(record: DeviceRecord) {
      const before = table.get(record.deviceId);
      table.set(record.deviceId, record);
      for (const l of listeners) l({ deviceId: record.deviceId, before, after: record } as RegistryChange);
    },
  };
}

const device = (over: Partial<DeviceRecord> = {}): DeviceRecord => ({
  ...emptyRecord('d-1'),
  model: 'th-2',
  firmware: '1.4.0',
  tags: { building: 'b1' },
  ...over,
});

describe('mergeTags', () => {
  it('point tags win over registry tags, registry tags over static tags', () => {
    expect(
      mergeTags(
        { deviceId: 'd-1', site: 'lyon' },
        { site: 'x', model: 'th-2', env: 'dev' },
        { env: 'prod', region: 'eu' },
      ),
    ).toEqual({ deviceId: 'd-1', site: 'lyon', model: 'th-2', env: 'dev', region: 'eu' });
  });
});

describe('deviceTagsLookup', () => {
  it('gives model, firmware and tags of a known device, nothing for an unknown one, and follows changes', () => {
    const view = fakeView([device()]);
    const lookup = deviceTagsLookup(view, log);
    expect(lookup('d-1')).toEqual({ building: 'b1', model: 'th-2', firmware: '1.4.0' });
    expect(lookup('other')).toBeUndefined();
    view.put(device({ firmware: '', tags: { building: 'b2' } }));
    expect(lookup('d-1')).toEqual({ building: 'b2', model: 'th-2' });
  });

  it('leaves out a tag line protocol cannot represent (the rest of the device stays tagged)', () => {
    const lookup = deviceTagsLookup(fakeView([device({ tags: { building: 'b1', owner: 'ops\\' } })]), log);
    expect(lookup('d-1')).toEqual({ building: 'b1', model: 'th-2', firmware: '1.4.0' });
  });
});

const environment = loadSchemaFile(join(repoRoot, 'schemas', 'environment.avsc')).type;
const anomaly = loadSchemaFile(join(repoRoot, 'schemas', 'anomaly.avsc')).type;
const windowResult = loadSchemaFile(join(repoRoot, 'schemas', 'window-result.avsc')).type;
const deviceStatus = loadSchemaFile(join(repoRoot, 'schemas', 'device-status.avsc')).type;
const schemas = new Map<number, Type>([
  [1, environment],
  [2, anomaly],
  [3, windowResult],
  [4, deviceStatus],
]);

function makerWith(view: ReturnType<typeof fakeView>) {
  const registry = { schemaById: async (id: number) => schemas.get(id) as Type };
  return createPointMaker({
    decoder: createAvroDecoder({ registry }),
    schemaOf: (id) => registry.schemaById(id),
    ruleFor: (topic) => ruleForTopic(topic, { prefix: 'telemetry.', extraTags: [] }),
    staticTags: { env: 'test' },
    deviceTags: deviceTagsLookup(view, log),
  });
}

function consumed(topic: string, schemaId: number, type: Type, value: Record<string, unknown>): ConsumedRecord {
  return {
    topic,
    partition: 0,
    offset: '1',
    key: Buffer.from(String(value.deviceId)),
    value: encodeWire(schemaId, type.toBuffer(value)),
    timestamp: 99,
    headers: {},
  };
}

const reading = (deviceId = 'd-1') =>
  consumed('telemetry.environment', 1, environment, {
    deviceId,
    ts: 1234,
    site: 'lyon',
    temperature: 20.5,
    humidity: null,
    pressure: null,
  });

describe('createPointMaker with registry tags', () => {
  it('adds them to a reading, escaped by the line-protocol code; the record and route tags win', async () => {
    const view = fakeView([device({ tags: { building: 'b 1,east', site: 'registry-site' } })]);
    const made = await makerWith(view).make(reading());
    expect(made).toMatchObject({ kind: 'points' });
    if (made.kind !== 'points') return;
    expect(made.points[0]?.tags).toEqual({
      env: 'test',
      building: 'b 1,east',
      model: 'th-2',
      firmware: '1.4.0',
      deviceId: 'd-1',
      site: 'lyon',
    });
    expect(made.lines[0]).toBe(
      'environment,building=b\\ 1\\,east,deviceId=d-1,env=test,firmware=1.4.0,model=th-2,site=lyon temperature=20.5 1234',
    );
  });

  it('an update applies to the points made after it, on the synchronous path too', async () => {
    const view = fakeView([device()]);
    const maker = makerWith(view);
    await maker.make(reading());
    view.put(device({ firmware: '2.0.0' }));
    const made = maker.make(reading());
    expect(made).not.toBeInstanceOf(Promise);
    expect((made as { points: { tags: Record<string, string> }[] }).points[0]?.tags.firmware).toBe('2.0.0');
  });

  it('leaves a device the registry does not hold with its own tags', async () => {
    const made = await makerWith(fakeView([device()])).make(reading('d-2'));
    expect(made).toMatchObject({ kind: 'points', points: [{ tags: { env: 'test', deviceId: 'd-2', site: 'lyon' } }] });
    if (made.kind === 'points') expect(made.points[0]?.tags.model).toBeUndefined();
  });

  it('tags window results and anomalies, not device status', async () => {
    const maker = makerWith(fakeView([device()]));
    const win = await maker.make(
      consumed('telemetry.environment.agg.1m', 3, windowResult, {
        deviceId: 'd-1',
        ...windowFields(),
      }),
    );
    expect(win).toMatchObject({ kind: 'points', points: [{ tags: { model: 'th-2', building: 'b1' } }] });
    const anomalyPoint = await maker.make(consumed('telemetry.anomalies', 2, anomaly, anomalyFields()));
    expect(anomalyPoint).toMatchObject({ kind: 'points', points: [{ tags: { model: 'th-2', firmware: '1.4.0' } }] });
    const status = await maker.make(consumed('telemetry.device-status', 4, deviceStatus, statusFields()));
    expect(status).toMatchObject({ kind: 'points' });
    if (status.kind === 'points') expect(status.points[0]?.tags.model).toBeUndefined();
  });
});

function windowFields(): Record<string, unknown> {
  const stats = {
    count: 2,
    min: 1,
    max: 2,
    mean: 1.5,
    sum: 3,
    stddev: 0.5,
    first: 1,
    last: 2,
    p50: null,
    p95: null,
    p99: null,
  };
  return {
    type: 'environment',
    site: 'lyon',
    windowStart: 60_000,
    windowEnd: 120_000,
    fields: { temperature: stats },
    count: 2,
    tags: {},
  };
}

function anomalyFields(): Record<string, unknown> {
  return {
    deviceId: 'd-1',
    type: 'environment',
    site: 'lyon',
    field: 'temperature',
    ts: 5_000,
    value: 99,
    kind: 'OUT_OF_RANGE',
    score: 1,
    expected: 85,
    lower: -40,
    upper: 85,
    detector: 'out-of-range',
    channel: 'out-of-range',
    status: 'OPEN',
    end: null,
    durationMs: 0,
    alarms: 1,
  };
}

function statusFields(): Record<string, unknown> {
  return { deviceId: 'd-1', site: 'lyon', status: 'OFFLINE', ts: 5_000, reason: '', lastSeen: null };
}
