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

  it('starts no anomaly before notBeforeTs (the detectors warm-up)', () => {
    const all = buildRun({ anomalyRate: 720, kinds: ['SPIKE', 'DIP'] });
    const notBeforeTs = Math.min(...all.truth.map((t) => t.startTs)) + 50_000;
    const later = buildRun({ anomalyRate: 720, kinds: ['SPIKE', 'DIP'], notBeforeTs });
    expect(later.truth.length).toBeGreaterThan(100);
    expect(Math.min(...later.truth.map((t) => t.startTs))).toBeGreaterThanOrEqual(notBeforeTs);
    expect(later.truth).toEqual(all.truth.filter((t) => t.startTs >= notBeforeTs));
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
      // At least 6 of the device field's noise sigmas from the reading, and beyond its day's normal range.
      const delta = (t.value as number) - (t.expected as number);
      const sigma = t.sigma as number;
      const model = fieldModel(t.field);
      expect(t.kind === 'SPIKE' ? delta : -delta).toBeGreaterThanOrEqual(6 * sigma - 10 ** -model.decimals);
      if (t.kind === 'SPIKE') expect(t.value).toBeGreaterThan((t.dailyHigh as number) + 2.9 * sigma);
      else expect(t.value).toBeLessThan((t.dailyLow as number) - 2.9 * sigma);
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

  it('shifts, drifts, sticks and adds noise over the inclusive truth range, each as the truth says', () => {
    const kinds = ['LEVEL_SHIFT', 'STUCK', 'DRIFT', 'NOISE_BURST'] as const;
    const long = buildRun({ anomalyRate: 30, kinds: [...kinds], durationS: 600 });
    const longClean = readingsByKey(buildRun({ durationS: 600 }).messages);
    const published = readingsByKey(long.messages);
    expect(new Set(long.truth.map((t) => t.kind))).toEqual(new Set(kinds));
    const byDevice = new Map<unknown, Array<Record<string, unknown>>>();
    for (const r of published.values()) byDevice.set(r.deviceId, [...(byDevice.get(r.deviceId) ?? []), r]);
    const burstResiduals: number[] = [];
    for (const t of long.truth) {
      const sent = (byDevice.get(t.deviceId) ?? [])
        .filter((r) => (r.ts as number) >= t.startTs && (r.ts as number) <= t.endTs)
        .sort((a, b) => (a.ts as number) - (b.ts as number));
      expect(sent).toHaveLength(t.readings);
      const model = fieldModel(t.field);
      const step = 10 ** -model.decimals;
      const sigma = t.sigma as number;
      if (t.kind !== 'STUCK' && t.kind !== 'NOISE_BURST')
        expect(Math.abs(t.offset as number)).toBeGreaterThanOrEqual(6 * sigma - step);
      sent.forEach((r, k) => {
        const normal = longClean.get(`${r.deviceId}@${r.ts}`) as Record<string, number>;
        const diff = (r[t.field] as number) - (normal[t.field] as number);
        // Every other field is untouched.
        for (const [name, v] of Object.entries(normal)) if (name !== t.field) expect(r[name]).toBe(v);
        if (t.kind === 'STUCK') expect(r[t.field]).toBe(t.value);
        else if (t.kind === 'LEVEL_SHIFT')
          expect(Math.abs(diff - (t.offset as number))).toBeLessThanOrEqual(step * 1.01);
        else if (t.kind === 'DRIFT') {
          // A ramp: reading k of n carries (k + 1) / n of the final offset.
          const length = t.clipped ? undefined : t.readings;
          if (length)
            expect(Math.abs(diff - ((t.offset as number) * (k + 1)) / length)).toBeLessThanOrEqual(step * 1.01);
        } else burstResiduals.push(diff / (sigma * Math.sqrt((t.noiseFactor as number) ** 2 - 1)));
      });
      if (t.kind === 'NOISE_BURST') {
        expect(t.noiseFactor).toBeGreaterThanOrEqual(4);
        expect(t.noiseFactor).toBeLessThanOrEqual(8);
      }
      if (t.clipped) continue;
      const min = { LEVEL_SHIFT: 30, STUCK: 25, DRIFT: 30, NOISE_BURST: 20 }[t.kind as (typeof kinds)[number]];
      expect(t.readings).toBeGreaterThanOrEqual(min);
    }
    // The burst's extra noise has the stated size: residuals / (sigma sqrt(F^2 - 1)) have a standard deviation of 1.
    expect(burstResiduals.length).toBeGreaterThan(500);
    const sd = Math.sqrt(burstResiduals.reduce((a, x) => a + x * x, 0) / burstResiduals.length);
    expect(sd).toBeGreaterThan(0.85);
    expect(sd).toBeLessThan(1.15);
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
    expect(parseAnomalyKinds('drift,noise-burst,noise,dropout')).toEqual(['DRIFT', 'NOISE_BURST', 'MISSING']);
    expect(parseAnomalyKinds('all')).toHaveLength(8);
    expect(() => parseAnomalyKinds('spike,wobble', '--anomaly-kinds')).toThrow(
      /--anomaly-kinds: unknown anomaly kind 'wobble'/,
    );
  });
});
