import { describe, expect, it } from 'vitest';
import { parseAnomalyKinds } from './anomaly-kinds.js';
import { environmentModel } from './sensor-types/environment-model.js';
import { powerModel } from './sensor-types/power-model.js';
import type { FieldModel } from './sensor-types/sensor-type-model.js';
import { buildRun, readingsByKey } from './test-fixtures.js';

const fieldModel = (name: string) =>
  [...environmentModel.fields, ...powerModel.fields].find((f) => f.name === name) as FieldModel;

describe('anomaly injection', () => {
  // 50 devices at 50 readings/s: every device reads once a second; 100 s = 5000 readings.
  const clean = buildRun();
  const cleanReadings = readingsByKey(clean.messages);

  it('sends every scheduled reading and no truth when the rate is 0', () => {
    expect(clean.messages).toHaveLength(5000);
    expect(clean.truth).toEqual([]);
  });

  it('starts anomalies at the set rate per device-hour', () => {
    // 720 per device-hour at one reading per second: p = 0.2 per reading for devices not in an anomaly.
    const run = buildRun({ anomalyRate: 720, kinds: ['SPIKE', 'DIP'] });
    const expected = 5000 * 0.2;
    expect(run.truth.length).toBeGreaterThan(expected * 0.85);
    expect(run.truth.length).toBeLessThan(expected * 1.15);
  });

  it('puts each injected spike and dip into the published value, as the truth says', () => {
    const run = buildRun({ anomalyRate: 360, kinds: ['SPIKE', 'DIP'] });
    const published = readingsByKey(run.messages);
    expect(run.truth.length).toBeGreaterThan(100);
    for (const t of run.truth) {
      const key = `${t.deviceId}@${t.startTs}`;
      const sent = published.get(key) as Record<string, number>;
      const normal = cleanReadings.get(key) as Record<string, number>;
      expect(t.startTs).toBe(t.endTs);
      expect(sent[t.field]).toBe(t.value);
      expect(normal[t.field]).toBe(t.expected);
      const delta = (t.value as number) - (t.expected as number);
      const model = fieldModel(t.field);
      expect(t.kind === 'SPIKE' ? delta : -delta).toBeGreaterThanOrEqual(model.anomalyScale * 0.99);
      expect(t.value).toBeGreaterThanOrEqual(model.anomalyFloor ?? model.min);
      expect(t.value).toBeLessThanOrEqual(model.max);
      // Only that field of that reading differs from the clean run.
      for (const [name, v] of Object.entries(normal)) if (name !== t.field) expect(sent[name]).toBe(v);
    }
    // Every published reading not listed in the truth is exactly the clean reading.
    const listed = new Set(run.truth.map((t) => `${t.deviceId}@${t.startTs}`));
    let same = 0;
    for (const [key, reading] of published) {
      if (listed.has(key)) continue;
      expect(reading).toEqual(cleanReadings.get(key));
      same++;
    }
    expect(same).toBe(5000 - listed.size);
  });

  it('shifts the level by the offset, and sticks a value, over the inclusive truth range', () => {
    const run = buildRun({ anomalyRate: 60, kinds: ['LEVEL_SHIFT', 'STUCK'] });
    const published = readingsByKey(run.messages);
    const kinds = new Set(run.truth.map((t) => t.kind));
    expect(kinds).toEqual(new Set(['LEVEL_SHIFT', 'STUCK']));
    for (const t of run.truth) {
      const sent = [...published.values()].filter(
        (r) => r.deviceId === t.deviceId && (r.ts as number) >= t.startTs && (r.ts as number) <= t.endTs,
      );
      expect(sent).toHaveLength(t.readings);
      for (const r of sent) {
        const normal = cleanReadings.get(`${r.deviceId}@${r.ts}`) as Record<string, number>;
        if (t.kind === 'STUCK') expect(r[t.field]).toBe(t.value);
        else expect((r[t.field] as number) - normal[t.field]!).toBeCloseTo(t.offset as number, 1);
      }
      if (t.clipped) continue;
      expect(t.readings).toBeGreaterThanOrEqual(t.kind === 'STUCK' ? 10 : 20);
    }
  });

  it('silences a device: exactly the listed readings are not sent', () => {
    const run = buildRun({ anomalyRate: 60, kinds: ['MISSING'] });
    const published = readingsByKey(run.messages);
    const missing = run.truth.reduce((n, t) => n + t.readings, 0);
    expect(run.truth.length).toBeGreaterThan(10);
    expect(published.size).toBe(5000 - missing);
    for (const t of run.truth) {
      expect(t.field).toBe('');
      for (let ts = t.startTs; ts <= t.endTs; ts += run.intervalMs)
        expect(published.has(`${t.deviceId}@${ts}`)).toBe(false);
      // The reading before is sent, unless it ended another silence or the run had not started.
      const before = t.startTs - run.intervalMs;
      const endsAnother = run.truth.some((o) => o.deviceId === t.deviceId && o.endTs === before);
      expect(published.has(`${t.deviceId}@${before}`)).toBe(before >= clean.messages[0]!.ts && !endsAnother);
    }
  });

  it('breaks exactly the payloads the truth lists as MALFORMED, each the way it says', () => {
    const run = buildRun({ anomalyRate: 360, kinds: ['MALFORMED'] });
    const broken = new Set<string>();
    for (const m of run.messages) {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(m.payload);
      } catch {
        broken.add(`${m.unit.clientId}@${/"ts":(\d+)/.exec(m.payload)?.[1]}@invalid-json`);
        continue;
      }
      for (const [name, v] of Object.entries(parsed)) {
        if (name === 'deviceId' || typeof v === 'number') continue;
        broken.add(`${parsed.deviceId}@${parsed.ts}@${v === 'NaN' ? 'nan-string' : 'wrong-type'}`);
        expect(name === 'ts').toBe(false);
      }
    }
    const listed = new Set(run.truth.map((t) => `${t.deviceId}@${t.startTs}@${t.variant}`));
    expect(listed.size).toBe(run.truth.length);
    expect(broken).toEqual(listed);
    expect(new Set(run.truth.map((t) => t.variant))).toEqual(new Set(['invalid-json', 'nan-string', 'wrong-type']));
    expect(run.messages.reduce((n, m) => n + m.malformed, 0)).toBe(run.truth.length);
  });

  it('in gateway batches breaks one element, or cuts the whole batch and lists every leaf in it', () => {
    const run = buildRun({ anomalyRate: 120, kinds: ['MALFORMED'], fleet: { gatewaySize: 5 } });
    let cutLeaves = 0;
    for (const m of run.messages) {
      let ok = true;
      try {
        JSON.parse(m.payload);
      } catch {
        ok = false;
      }
      if (!ok) {
        cutLeaves += m.readings;
        const listed = run.truth.filter((t) => t.gatewayId === m.unit.clientId && t.startTs === m.ts);
        expect(listed.map((t) => t.variant)).toEqual(Array(m.readings).fill('invalid-json'));
        expect(m.malformed).toBe(m.readings);
      }
    }
    expect(cutLeaves).toBeGreaterThan(0);
    expect(run.truth.filter((t) => t.variant === 'invalid-json')).toHaveLength(cutLeaves);
    expect(run.truth.some((t) => t.variant === 'wrong-type')).toBe(true);
  });

  it('is deterministic from the seed', () => {
    const a = buildRun({ anomalyRate: 100, kinds: parseAnomalyKinds('all') });
    const b = buildRun({ anomalyRate: 100, kinds: parseAnomalyKinds('all') });
    const c = buildRun({ anomalyRate: 100, kinds: parseAnomalyKinds('all'), seed: 8 });
    expect(b.messages.map((m) => m.payload)).toEqual(a.messages.map((m) => m.payload));
    expect(b.truth).toEqual(a.truth);
    expect(c.messages.map((m) => m.payload)).not.toEqual(a.messages.map((m) => m.payload));
  });

  it('parses kind lists with aliases and names the key on a bad one', () => {
    expect(parseAnomalyKinds('spike, silent,level-shift')).toEqual(['SPIKE', 'MISSING', 'LEVEL_SHIFT']);
    expect(() => parseAnomalyKinds('spike,wobble', '--anomaly-kinds')).toThrow(
      /--anomaly-kinds: unknown anomaly kind 'wobble'/,
    );
  });
});
