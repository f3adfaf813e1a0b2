import { ConfigError } from '../lib/errors.js';
import { type AnomalyKind, MALFORMED_VARIANTS, type MalformedVariant } from './anomaly-kinds.js';
import type { SimDevice } from './fleet.js';
import type { TruthRecord } from './ground-truth.js';
import { between, SALT, uniform } from './hash-random.js';
import { clampRound, type FieldModel } from './sensor-types/sensor-type-model.js';

/** How many readings a lasting anomaly covers: [min, max], drawn per anomaly. */
export interface AnomalyLengths {
  LEVEL_SHIFT: readonly [number, number];
  STUCK: readonly [number, number];
  MISSING: readonly [number, number];
}

/** Long enough for a detector with a short window to see them, short enough to end in a demo. */
export const DEFAULT_ANOMALY_LENGTHS: AnomalyLengths = { LEVEL_SHIFT: [20, 60], STUCK: [10, 30], MISSING: [5, 20] };

export interface AnomalyInjectorOptions {
  seed: number;
  /** Expected anomaly starts per device per hour of event time. */
  ratePerDeviceHour: number;
  kinds: readonly AnomalyKind[];
  /** Time between two readings of one device (the schedule's intervalMs). */
  intervalMs: number;
  lengths?: AnomalyLengths;
  /** Called once per anomaly when its last reading has been produced (MALFORMED: see `apply`). */
  onTruth(record: TruthRecord): void;
}

/** What to do with one reading after injection. */
export type Injection =
  | { publish: false }
  | { publish: true; malformed?: { variant: MalformedVariant; field: string } };

/**
 * Decides, reading by reading, whether a device starts an anomaly (probability
 * `ratePerDeviceHour * intervalMs / 1 h`, drawn from (seed, device, seq) so it does not depend on
 * timing), and applies the active one to the reading's values in place. One anomaly per device at a
 * time. Ground truth goes to `onTruth` for every kind except MALFORMED: the caller knows what it
 * published (a cut gateway batch loses every leaf) and writes that truth itself.
 *
 * @example
 *   const inj = createAnomalyInjector({ seed, ratePerDeviceHour: 2, kinds: ['SPIKE'], intervalMs: 10_000, onTruth });
 *   const values = device.model.sample(ctx);
 *   if (inj.apply(device, seq, ts, values).publish) send(values);
 *   inj.flush(); // at the end: lasting anomalies still active, marked clipped
 */
export interface AnomalyInjector {
  apply(device: SimDevice, seq: number, ts: number, values: Record<string, number>): Injection;
  /** Emits the truth of anomalies still active (clipped at their last produced reading). */
  flush(): void;
  readonly active: number;
}

interface Active {
  kind: 'LEVEL_SHIFT' | 'STUCK' | 'MISSING';
  field?: FieldModel;
  record: TruthRecord;
  remaining: number;
  offset: number;
  stuck: number;
}

export function createAnomalyInjector(options: AnomalyInjectorOptions): AnomalyInjector {
  const { seed, kinds, intervalMs, onTruth } = options;
  const lengths = options.lengths ?? DEFAULT_ANOMALY_LENGTHS;
  if (!(options.ratePerDeviceHour >= 0))
    throw new ConfigError('anomalyRate', `expected anomalies per device-hour >= 0, got ${options.ratePerDeviceHour}`);
  const p = Math.min(1, (options.ratePerDeviceHour * intervalMs) / 3_600_000);
  const active = new Map<number, Active>();

  const finish = (deviceIndex: number, a: Active, clipped: boolean) => {
    active.delete(deviceIndex);
    onTruth(clipped ? { ...a.record, clipped: true } : a.record);
  };

  const start = (d: SimDevice, seq: number, ts: number, values: Record<string, number>): Injection => {
    const i = d.index;
    const kind = kinds[Math.floor(uniform(seed, i, seq, SALT.anomalyKind) * kinds.length)] as AnomalyKind;
    const valueFields = d.model.fields.filter((f) => !f.counter);
    const pick = <T>(list: readonly T[], salt: number): T =>
      list[Math.floor(uniform(seed, i, seq, salt) * list.length)] as T;
    const base = { deviceId: d.deviceId, site: d.site, type: d.model.type, startTs: ts, endTs: ts, readings: 1 };

    if (kind === 'MALFORMED') {
      const variant = pick(MALFORMED_VARIANTS, SALT.malformedVariant);
      const field = variant === 'invalid-json' ? '' : pick(d.model.fields, SALT.anomalyField).name;
      return { publish: true, malformed: { variant, field } };
    }
    const length = (range: readonly [number, number]) =>
      Math.floor(between(range[0], range[1] + 1, seed, i, seq, SALT.anomalyLength));
    if (kind === 'MISSING') {
      const a: Active = {
        kind,
        record: { ...base, field: '', kind },
        remaining: length(lengths.MISSING),
        offset: 0,
        stuck: 0,
      };
      return step(i, a, values);
    }
    const field = pick(valueFields, SALT.anomalyField);
    const v = values[field.name] as number;
    const size = field.anomalyScale * between(1, 2, seed, i, seq, SALT.anomalySize);
    const floor = field.anomalyFloor ?? field.min;
    if (kind === 'SPIKE' || kind === 'DIP') {
      // Keep it inside the physical range: a spike with no headroom becomes a dip, and back.
      let actual: 'SPIKE' | 'DIP' = kind;
      if (actual === 'SPIKE' && v + size > field.max) actual = 'DIP';
      else if (actual === 'DIP' && v - size < floor) actual = 'SPIKE';
      const value = clampRound(actual === 'SPIKE' ? v + size : v - size, field);
      values[field.name] = value;
      onTruth({ ...base, field: field.name, kind: actual, expected: v, value });
      return { publish: true };
    }
    if (kind === 'LEVEL_SHIFT') {
      const f = 10 ** field.decimals;
      let offset = (Math.round((size / 2) * f) / f) * (uniform(seed, i, seq, SALT.anomalySign) < 0.5 ? -1 : 1);
      if (v + offset > field.max || v + offset < floor) offset = -offset;
      const a: Active = {
        kind,
        field,
        record: { ...base, field: field.name, kind, offset },
        remaining: length(lengths.LEVEL_SHIFT),
        offset,
        stuck: 0,
      };
      return step(i, a, values);
    }
    const a: Active = {
      kind: 'STUCK',
      field,
      record: { ...base, field: field.name, kind: 'STUCK', value: v },
      remaining: length(lengths.STUCK),
      offset: 0,
      stuck: v,
    };
    return step(i, a, values);
  };

  /** Applies an active lasting anomaly to this reading; the first call is the start reading. */
  const step = (deviceIndex: number, a: Active, values: Record<string, number>): Injection => {
    if (a.field) {
      const name = a.field.name;
      values[name] = a.kind === 'STUCK' ? a.stuck : clampRound((values[name] as number) + a.offset, a.field);
    }
    a.remaining -= 1;
    if (a.remaining <= 0) finish(deviceIndex, a, false);
    else active.set(deviceIndex, a);
    return a.kind === 'MISSING' ? { publish: false } : { publish: true };
  };

  return {
    apply(device, seq, ts, values) {
      const a = active.get(device.index);
      if (a) {
        a.record.endTs = ts;
        a.record.readings += 1;
        return step(device.index, a, values);
      }
      if (p > 0 && kinds.length > 0 && uniform(seed, device.index, seq, SALT.anomalyStart) < p)
        return start(device, seq, ts, values);
      return { publish: true };
    },
    flush() {
      for (const [i, a] of [...active]) finish(i, a, true);
    },
    get active() {
      return active.size;
    },
  };
}
