import { describe, expect, it } from 'vitest';
import type { ConsumedRecord } from '../kafka/types.js';
import { previewPayload, safeText } from './preview.js';
import { renderDeadLetter } from './render.js';
import { backToSource, planReplay, replayReceipt, withReplayMarker } from './replay-plan.js';
import { isReceipt, matchesFilter, originOf, parseTimeBound, stageOf } from './select.js';
import { tallyDeadLetters } from './stats.js';

const T = Date.UTC(2026, 0, 1, 12);
let offset = 0;
function dl(
  headers: Record<string, string>,
  value: Buffer | null = Buffer.from('{"a":1}'),
  partition = 0,
): ConsumedRecord {
  return { topic: 'dlq', partition, offset: String(offset++), key: Buffer.from('d1'), value, timestamp: T, headers };
}
const mqtt = (reason: string, extra: Record<string, string> = {}) =>
  dl({
    'error.stage': 'mqtt-source',
    'error.reason': reason,
    'error.time': new Date(T).toISOString(),
    'mqtt.topic': 'sensors/s1/d1/environment',
    'mqtt.received_at': String(T),
    ...extra,
  });
const streams = (reason: string, extra: Record<string, string> = {}) =>
  dl({
    origin: 'sensor',
    'error.stage': 'streams',
    'error.reason': reason,
    'error.code': 'SERDE_MAGIC_BYTE',
    'error.time': new Date(T + 60_000).toISOString(),
    'source.topic': 'telemetry.environment',
    'source.partition': '2',
    'source.offset': '41',
    'source.timestamp': String(T - 5000),
    ...extra,
  });

describe('selecting dead letters', () => {
  it('filters by reason, stage, origin topic, refusal time and offsets; old runtime stages read as streams', () => {
    const a = mqtt('INVALID_JSON');
    const b = streams('DESERIALIZATION_FAILED');
    const legacy = dl({ 'error.stage': 'processing', 'error.reason': 'text', 'source.topic': 't' });
    expect(stageOf(legacy)).toBe('streams');
    expect(originOf(a)).toBe('mqtt:sensors/s1/d1/environment');
    expect(originOf(b)).toBe('telemetry.environment');
    expect(matchesFilter(a, { reasons: ['INVALID_JSON'] })).toBe(true);
    expect(matchesFilter(b, { reasons: ['INVALID_JSON'] })).toBe(false);
    expect(matchesFilter(b, { stages: ['streams'], topics: ['telemetry.environment'] })).toBe(true);
    expect(matchesFilter(a, { topics: ['sensors/s1/d1/environment'] })).toBe(true);
    expect(matchesFilter(b, { sinceMs: T + 1 })).toBe(true); // refused at T + 60 s
    expect(matchesFilter(a, { sinceMs: T + 1 })).toBe(false);
    expect(matchesFilter(b, { partition: 0, fromOffset: BigInt(b.offset), toOffset: BigInt(b.offset) })).toBe(true);
    expect(matchesFilter(b, { partition: 1 })).toBe(false);
    expect(parseTimeBound('--since', '1h', T)).toBe(T - 3_600_000);
    expect(parseTimeBound('--since', '2026-01-01T00:00:00Z', T)).toBe(Date.UTC(2026, 0, 1));
    expect(() => parseTimeBound('--since', 'yesterday', T)).toThrow(/^--since: expected a duration/);
  });

  it('counts by stage, reason and topic, most frequent first', () => {
    const rows = tallyDeadLetters([mqtt('INVALID_JSON'), mqtt('INVALID_JSON'), streams('PROCESSING_FAILED')]);
    expect(rows.map((r) => [r.stage, r.reason, r.topic, r.count])).toEqual([
      ['mqtt-source', 'INVALID_JSON', 'mqtt:sensors/s1/d1/environment', 2],
      ['streams', 'PROCESSING_FAILED', 'telemetry.environment', 1],
    ]);
  });
});

describe('showing dead letters safely', () => {
  it('prints printable UTF-8 as text and anything else as hex, never raw control bytes', () => {
    expect(previewPayload(Buffer.from('{"t": 21.5}\nnext'), 256)).toMatchObject({
      kind: 'text',
      lines: ['{"t": 21.5}', 'next'],
    });
    const binary = Buffer.from([0x00, 0x00, 0x00, 0x00, 0x07, 0x1b, 0x5b, 0x32, 0x4a, 0xff]);
    const hex = previewPayload(binary, 256);
    expect(hex.kind).toBe('hex');
    expect(hex.lines).toEqual(['0000  00 00 00 00 07 1b 5b 32 4a ff                    |......[2J.|']);
    expect(previewPayload(Buffer.alloc(40, 0x41), 16)).toMatchObject({ kind: 'text', shown: 16, size: 40 });
    expect(safeText('ok\u001b[31m\u0007')).toBe('ok\\x1b[31m\\x07');
    const text = renderDeadLetter(dl({ 'error.message': 'bad \u001b[2J' }, binary), 256);
    const controls = [...text].filter((c) => (c.codePointAt(0) ?? 0) < 0x20 && c !== '\n');
    expect(controls).toEqual([]);
    expect(text).toContain('binary, as hex');
    expect(text).toContain('bad \\x1b[2J');
  });
});

describe('planning a replay', () => {
  it('refuses truncated payloads, replays of replays and dead letters already replayed', () => {
    const ok = streams('DESERIALIZATION_FAILED');
    const cut = mqtt('OVERSIZE', { 'payload.truncated': 'true', 'payload.size': '2000000', 'payload.sha256': 'ab' });
    const again = mqtt('INVALID_JSON', { 'replay.of': 'dlq/0/3' });
    const done = mqtt('UNKNOWN_ROUTE');
    const nowhere = dl({ 'error.stage': 'streams', 'error.reason': 'PROCESSING_FAILED' });
    const plan = planReplay([ok, cut, again, done, nowhere], new Set([`dlq/0/${done.offset}`]));
    expect(plan.map((p) => p.refused?.code)).toEqual([
      undefined,
      'PAYLOAD_TRUNCATED',
      'REPLAY_OF_REPLAY',
      'ALREADY_REPLAYED',
      'NO_SOURCE',
    ]);
    expect(plan[1]?.refused?.why).toContain('2000000 bytes');
  });

  it('sends a consumed record back untouched: same topic, partition, key, value, timestamp and original headers', () => {
    const d = streams('DESERIALIZATION_FAILED');
    const back = backToSource(d);
    expect(back).toEqual({
      topic: 'telemetry.environment',
      partition: 2,
      key: d.key,
      value: d.value,
      timestamp: T - 5000,
      headers: { origin: 'sensor' },
    });
    const marked = withReplayMarker(back, 'dlq/0/7', T);
    expect(marked.headers).toEqual({
      origin: 'sensor',
      'replay.of': 'dlq/0/7',
      'replay.time': new Date(T).toISOString(),
    });
    const receipt = {
      ...replayReceipt('dlq', 'dlq/0/7', T),
      partition: 0,
      offset: '9',
      headers: replayReceipt('dlq', 'dlq/0/7', T).headers ?? {},
    };
    expect(isReceipt({ ...receipt, key: null, value: null, timestamp: T })).toBe(true);
  });
});
