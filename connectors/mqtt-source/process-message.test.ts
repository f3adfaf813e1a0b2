import { describe, expect, it } from 'vitest';
import { createGatewayPolicy } from './gateway-policy.js';
import { type DeadLetter, type ProcessOptions, processMessage, type ValueRecord } from './process-message.js';
import { message, processOptions, RECEIVED_AT } from './test-support/fixtures.js';

const options = processOptions();
const gatewayOptions = processOptions({ gateways: createGatewayPolicy({ 'gw-1': ['leaf-*'] }) });
const ts = RECEIVED_AT - 10_000;

function values(records: ReturnType<typeof processMessage>['records']): ValueRecord[] {
  return records.filter((r): r is ValueRecord => r.kind === 'value');
}
function deadLetters(records: ReturnType<typeof processMessage>['records']): DeadLetter[] {
  return records.filter((r): r is DeadLetter => r.kind === 'dead-letter');
}

describe('processMessage: readings', () => {
  it('turns one JSON object into one keyed, timestamped record with MQTT headers', () => {
    const plan = processMessage(
      message('sensors/lab/d1/environment', JSON.stringify({ ts, temperature: 21 })),
      options,
    );
    expect(plan.readings).toBe(1);
    expect(plan.records).toEqual([
      {
        kind: 'value',
        topic: 'telemetry.environment',
        subject: 'telemetry.environment-value',
        schemaName: 'environment',
        key: 'd1',
        timestamp: ts,
        value: { deviceId: 'd1', ts, site: 'lab', temperature: 21, humidity: null, pressure: null },
        headers: {
          'mqtt.topic': 'sensors/lab/d1/environment',
          'mqtt.qos': '1',
          'mqtt.retain': 'false',
          'mqtt.dup': 'false',
          'mqtt.received_at': String(RECEIVED_AT),
          'iotp.ts_source': 'payload',
        },
      },
    ]);
  });

  it('a reading without ts takes the receive time and a header says so', () => {
    const [record] = values(processMessage(message('sensors/lab/d1/power', '{"power":12.5}'), options).records);
    expect(record?.timestamp).toBe(RECEIVED_AT);
    expect(record?.value.ts).toBe(RECEIVED_AT);
    expect(record?.headers['iotp.ts_source']).toBe('received');
  });

  it('a gateway array gives one record per leaf, keyed on its own deviceId, in order', () => {
    const payload = JSON.stringify([
      { deviceId: 'leaf-1', ts, temperature: 20 },
      { deviceId: 'leaf-2', ts: ts + 1, temperature: 21 },
      { ts: ts + 2, temperature: 22 },
    ]);
    const plan = processMessage(message('sensors/lab/gw-1/environment', payload), gatewayOptions);
    expect(plan.readings).toBe(3);
    const out = values(plan.records);
    expect(out.map((r) => [r.key, r.timestamp, r.value.temperature, r.headers['iotp.gateway']])).toEqual([
      ['leaf-1', ts, 20, 'gw-1'],
      ['leaf-2', ts + 1, 21, 'gw-1'],
      ['gw-1', ts + 2, 22, 'gw-1'],
    ]);
  });

  it('a bad reading in a gateway batch is dead-lettered with its index; the others go through', () => {
    const payload = JSON.stringify([
      { deviceId: 'leaf-1', ts, temperature: 20 },
      { deviceId: 'leaf-2', ts, temperature: 'hot' },
    ]);
    const plan = processMessage(message('sensors/lab/gw-1/environment', payload), gatewayOptions);
    expect(values(plan.records).map((r) => r.key)).toEqual(['leaf-1']);
    const [dead] = deadLetters(plan.records);
    expect(dead?.record.headers).toMatchObject({
      'error.reason': 'SCHEMA_VIOLATION',
      'error.field': 'temperature',
      'error.index': '1',
    });
    expect(dead?.record.value).toEqual(Buffer.from(payload));
  });

  it('an array from a device that is not a gateway: own readings go through, any other deviceId is DEVICE_SPOOFED', () => {
    const payload = JSON.stringify([
      { ts, temperature: 20 },
      { deviceId: 'd1', ts: ts + 1, temperature: 21 },
      { deviceId: 'victim', ts, temperature: 99 },
    ]);
    const plan = processMessage(message('sensors/lab/d1/environment', payload), options);
    expect(values(plan.records).map((r) => [r.key, r.value.temperature])).toEqual([
      ['d1', 20],
      ['d1', 21],
    ]);
    const [dead] = deadLetters(plan.records);
    expect(dead?.record.key).toBe('d1');
    expect(dead?.record.headers).toMatchObject({
      'error.reason': 'DEVICE_SPOOFED',
      'error.rule': 'gateway-leaf',
      'error.index': '2',
    });
  });

  it('a restricted gateway policy refuses leaves the gateway does not own', () => {
    const strict = processOptions({ gateways: createGatewayPolicy({ 'gw-1': ['leaf-*'] }) });
    const payload = JSON.stringify([
      { deviceId: 'leaf-1', ts, temperature: 20 },
      { deviceId: 'other', ts, temperature: 20 },
    ]);
    const plan = processMessage(message('sensors/lab/gw-1/environment', payload), strict);
    expect(values(plan.records).map((r) => r.key)).toEqual(['leaf-1']);
    expect(deadLetters(plan.records)[0]?.record.headers).toMatchObject({
      'error.reason': 'DEVICE_SPOOFED',
      'error.rule': 'gateway-leaf',
      'error.index': '1',
    });
    const fromDevice = processMessage(message('sensors/lab/d9/environment', payload), strict);
    expect(deadLetters(fromDevice.records).map((d) => d.reason)).toEqual(['DEVICE_SPOOFED', 'DEVICE_SPOOFED']);
  });
});

describe('processMessage: every dead-letter reason keeps the raw bytes and names the cause', () => {
  const cases: [string, string, string | Buffer, Partial<ProcessOptions>, Record<string, string>][] = [
    ['INVALID_JSON', 'sensors/lab/d1/environment', '{"temperature": 21', {}, { 'error.rule': 'json' }],
    [
      'SCHEMA_VIOLATION',
      'sensors/lab/d1/environment',
      `{"ts":${ts},"temperature":"21.5"}`,
      {},
      { 'error.field': 'temperature', 'error.rule': 'type:null | double' },
    ],
    ['UNKNOWN_ROUTE', 'sensors/lab/d1', '{}', {}, { 'error.rule': 'route' }],
    ['UNKNOWN_ROUTE', 'sensors/lab/d1/water', '{}', {}, { 'error.rule': 'schema' }],
    [
      'OVERSIZE',
      'sensors/lab/d1/environment',
      `{"x":"${'a'.repeat(100)}"}`,
      { maxPayloadBytes: 64 },
      { 'error.rule': 'max-bytes' },
    ],
    [
      'TS_OUT_OF_BOUNDS',
      'sensors/lab/d1/environment',
      `{"ts":${RECEIVED_AT + 3_600_000},"temperature":1}`,
      {},
      { 'error.field': 'ts', 'error.rule': 'max-future' },
    ],
    ['NON_FINITE', 'sensors/lab/d1/environment', '{"temperature":"NaN"}', {}, { 'error.field': 'temperature' }],
    ['NON_FINITE', 'sensors/lab/d1/environment', '{"temperature":Infinity}', {}, { 'error.rule': 'finite' }],
    [
      'DEVICE_SPOOFED',
      'sensors/lab/d1/environment',
      '{"deviceId":"d2","temperature":1}',
      {},
      { 'error.field': 'deviceId', 'error.rule': 'matches-topic' },
    ],
    [
      'SCHEMA_VIOLATION',
      'sensors/lab/d1/environment',
      '{"site":"elsewhere","temperature":1}',
      {},
      { 'error.field': 'site', 'error.rule': 'matches-topic' },
    ],
    ['SCHEMA_VIOLATION', 'sensors/lab/d1/environment', '42', {}, { 'error.rule': 'type:object' }],
    ['SCHEMA_VIOLATION', 'sensors/lab/d1/environment', '[]', {}, { 'error.rule': 'non-empty' }],
  ];

  it.each(cases)('%s for %s %j', (reason, topic, payload, overrides, extraHeaders) => {
    const raw = typeof payload === 'string' ? Buffer.from(payload) : payload;
    const plan = processMessage(message(topic, raw, { qos: 1, retain: false }), processOptions(overrides));
    expect(plan.readings).toBe(0);
    expect(plan.records).toHaveLength(1);
    const dead = plan.records[0] as DeadLetter;
    expect(dead.kind).toBe('dead-letter');
    expect(dead.reason).toBe(reason);
    expect(dead.record.topic).toBe('telemetry.dlq');
    expect(Buffer.compare(dead.record.value as Buffer, raw)).toBe(0);
    expect(dead.record.timestamp).toBe(RECEIVED_AT);
    expect(dead.record.headers).toMatchObject({
      'error.stage': 'mqtt-source',
      'error.reason': reason,
      'error.time': new Date(RECEIVED_AT).toISOString(),
      'error.source': 'mqtt-source-test',
      'mqtt.topic': topic,
      'mqtt.qos': '1',
      'mqtt.received_at': String(RECEIVED_AT),
      ...extraHeaders,
    });
    expect(dead.record.headers?.['error.message']?.length).toBeGreaterThan(10);
  });

  it('keys a dead letter on the topic deviceId when a route matched', () => {
    const plan = processMessage(message('sensors/lab/d1/environment', 'x'), options);
    expect((plan.records[0] as DeadLetter).record.key).toBe('d1');
    const unrouted = processMessage(message('elsewhere', 'x'), options);
    expect((unrouted.records[0] as DeadLetter).record.key).toBeNull();
  });
});

describe('processMessage: device status', () => {
  it.each([
    ['online', 'ONLINE'],
    ['offline', 'OFFLINE'],
    ['"offline"', 'OFFLINE'],
    [`{"status":"online","ts":${ts}}`, 'ONLINE'],
  ])('%s becomes a %s record on the status topic', (payload, status) => {
    const plan = processMessage(message('sensors/lab/d1/status', payload, { retain: true }), options);
    const [record] = values(plan.records);
    expect(plan.readings).toBe(0);
    expect(record).toMatchObject({
      topic: 'telemetry.device-status',
      subject: 'telemetry.device-status-value',
      schemaName: 'device-status',
      key: 'd1',
      value: { deviceId: 'd1', site: 'lab', status, lastSeen: null },
    });
    expect(record?.headers['mqtt.retain']).toBe('true');
  });

  it('an empty (cleared) retained status carries nothing', () => {
    const plan = processMessage(message('sensors/lab/d1/status', ''), options);
    expect(plan).toEqual({ records: [], readings: 0, ignored: true, key: 'd1' });
  });

  it('an unknown status is dead-lettered', () => {
    const plan = processMessage(message('sensors/lab/d1/status', 'sleeping'), options);
    expect((plan.records[0] as DeadLetter).reason).toBe('INVALID_JSON');
    const json = processMessage(message('sensors/lab/d1/status', '{"status":"asleep"}'), options);
    expect((json.records[0] as DeadLetter).record.headers).toMatchObject({
      'error.reason': 'SCHEMA_VIOLATION',
      'error.field': 'status',
    });
  });
});
