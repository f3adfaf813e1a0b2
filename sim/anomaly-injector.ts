import { ConfigError } from '../lib/errors.js';
import { type AnomalyKind, MALFORMED_VARIANTS, type MalformedVariant } from './anomaly-kinds.js';
import {
  type AnomalyMagnitudes,
  DEFAULT_ANOMALY_MAGNITUDES,
  noiseFactor,
  type Range,
  shiftOffset,
  spikeOrDip,
} from './anomaly-magnitudes.js';
import { fieldCharacter } from './field-character.js';
import type { SimDevice } from './fleet.js';
import type { TruthRecord } from './ground-truth.js';
import { between, gaussian, SALT, uniform } from './hash-random.js';
import { clampRound, type FieldModel } from './sensor-types/sensor-type-model.js';

/** The kinds that last several readings. */
export type LastingKind = 'LEVEL_SHIFT' | 'STUCK' | 'MISSING' | 'DRIFT' | 'NOISE_BURST';

/** How many readings a lasting anomaly covers: [min, max], drawn per anomaly. */
export type AnomalyLengths = Readonly<Record<LastingKind, Range>>;

/**
 * Long enough for a detector to see them (the stuck detector wants 20 repeats, the level-shift test
 * a 30-reading window; 25 repeats of a noisy value never happen by chance), short enough to end in
 * a demo: at a 1 min history interval they last tens of minutes, at 2 readings/s tens of seconds.
 */
export const DEFAULT_ANOMALY_LENGTHS: AnomalyLengths = {
  LEVEL_SHIFT: [30, 90],
  STUCK: [25, 60],
  MISSING: [10, 30],
  DRIFT: [30, 80],
  NOISE_BURST: [20, 60],
};

/** How often anomalies start, which kinds, how long and how big they are, and where their truth goes. */
export interface AnomalyInjectorOptions {
  seed: number;
  /** Expected anomaly starts per device per hour of event time. */
  ratePerDeviceHour: number;
  kinds: readonly AnomalyKind[];
  /** Time between two readings of one device (the schedule's intervalMs); `setInterval` changes it. */
  intervalMs: number;
  lengths?: AnomalyLengths;
  magnitudes?: AnomalyMagnitudes;
  /** No anomaly starts before this event time (the detectors' warm-up); default: none. */
  notBeforeTs?: number;
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
 * time; sizes are relative to the device field's own noise and daily range (anomaly-magnitudes.ts).
 * Ground truth goes to `onTruth` for every kind except MALFORMED: the caller knows what it
 * published (a cut gateway batch loses every leaf) and writes that truth itself.
 *
 * @example
 *   const inj = createAnomalyInjector({ seed, ratePerDeviceHour: 2, kinds: ['SPIKE'], intervalMs: 10_000, onTruth });
 *   const values = device.model.sample(ctx);
 *   if (inj.apply(device, seq, ts, values, originTs).publish) send(values);
 *   inj.flush(); // at the end: lasting anomalies still active, marked clipped
 */
export interface AnomalyInjector {
  /** `originTs`: the fleet's origin (the model's drift and counters start there). */
  apply(device: SimDevice, seq: number, ts: number, values: Record<string, number>, originTs: number): Injection;
  /** A new reading interval (history -> live): start probability and truth's intervalMs follow it. */
  setInterval(intervalMs: number): void;
  /** Emits the truth of anomalies still active (clipped at their last produced reading). */
  flush(): void;
  readonly active: number;
}

interface Active {
  kind: LastingKind;
  field?: FieldModel;
  record: TruthRecord;
  /** Readings the anomaly covers, and how many it has covered so far. */
  length: number;
  done: number;
  /** LEVEL_SHIFT: the constant offset; DRIFT: the offset of its last reading. */
  offset: number;
  stuck: number;
  /** NOISE_BURST: standard deviation of the noise added on top of the usual one. */
  extraSigma: number;
}

export function createAnomalyInjector(options: AnomalyInjectorOptions): AnomalyInjector {
  const { seed, kinds, onTruth } = options;
  const lengths = options.lengths ?? DEFAULT_ANOMALY_LENGTHS;
  const magnitudes = options.magnitudes ?? DEFAULT_ANOMALY_MAGNITUDES;
  if (!(options.ratePerDeviceHour >= 0))
    throw new ConfigError('anomalyRate', `expected anomalies per device-hour >= 0, got ${options.ratePerDeviceHour}`);
  let intervalMs = options.intervalMs;
  const probability = () => Math.min(1, (options.ratePerDeviceHour * intervalMs) / 3_600_000);
  let p = probability();
  const active = new Map<number, Active>();

  const finish = (deviceIndex: number, a: Active, clipped: boolean) => {
    active.delete(deviceIndex);
    onTruth(clipped ? { ...a.record, clipped: true } : a.record);
  };

  const start = (
    d: SimDevice,
    seq: number,
    ts: number,
    values: Record<string, number>,
    originTs: number,
  ): Injection => {
    const i = d.index;
    const kind = kinds[Math.floor(uniform(seed, i, seq, SALT.anomalyKind) * kinds.length)] as AnomalyKind;
    const sigmas = d.model.noiseSigma(d.params);
    const valueFields = d.model.fields.filter((f) => !f.counter && (sigmas[f.name] ?? 0) > 0);
    const pick = <T>(list: readonly T[], salt: number): T =>
      list[Math.floor(uniform(seed, i, seq, salt) * list.length)] as T;
    const base = (field: string, k: AnomalyKind): TruthRecord => ({
      deviceId: d.deviceId,
      site: d.site,
      type: d.model.type,
      field,
      kind: k,
      startTs: ts,
      endTs: ts,
      readings: 1,
    });

    if (kind === 'MALFORMED') {
      const variant = pick(MALFORMED_VARIANTS, SALT.malformedVariant);
      const field = variant === 'invalid-json' ? '' : pick(d.model.fields, SALT.anomalyField).name;
      return { publish: true, malformed: { variant, field } };
    }
    const length = (k: LastingKind) =>
      Math.floor(between(lengths[k][0], lengths[k][1] + 1, seed, i, seq, SALT.anomalyLength));
    const lasting = (k: LastingKind, record: TruthRecord, extra: Partial<Active> = {}): Injection =>
      step(
        i,
        seq,
        { kind: k, record, length: length(k), done: 0, offset: 0, stuck: 0, extraSigma: 0, ...extra },
        values,
      );
    if (kind === 'MISSING') return lasting(kind, { ...base('', kind), intervalMs });

    if (valueFields.length === 0) return { publish: true };
    const field = pick(valueFields, SALT.anomalyField);
    const v = values[field.name] as number;
    const c = fieldCharacter(d, field.name, seed, ts, originTs);
    const u = (k: number) => uniform(seed, i, seq, SALT.anomalyMagnitude + k);
    const u3 = [u(0), u(1), u(2)] as const;
    const character = {
      sigma: round(c.sigma, field.decimals + 2),
      dailyLow: round(c.dailyLow, field.decimals),
      dailyHigh: round(c.dailyHigh, field.decimals),
      intervalMs,
    };
    const truth = { ...base(field.name, kind), ...character };
    if (kind === 'SPIKE' || kind === 'DIP') {
      const { kind: actual, value } = spikeOrDip(kind, v, c, field, u3, magnitudes);
      values[field.name] = value;
      onTruth({ ...base(field.name, actual), expected: v, value, ...character });
      return { publish: true };
    }
    if (kind === 'LEVEL_SHIFT' || kind === 'DRIFT') {
      const offset = shiftOffset(v, c, field, u3, magnitudes);
      return lasting(kind, { ...truth, offset }, { field, offset });
    }
    if (kind === 'NOISE_BURST') {
      const factor = noiseFactor(u(3), magnitudes);
      return lasting(
        kind,
        { ...truth, noiseFactor: factor },
        { field, extraSigma: c.sigma * Math.sqrt(factor ** 2 - 1) },
      );
    }
    return lasting('STUCK', { ...truth, kind: 'STUCK', value: v }, { field, stuck: v });
  };

  /** Applies an active lasting anomaly to this reading; the first call is the start reading. */
  const step = (deviceIndex: number, seq: number, a: Active, values: Record<string, number>): Injection => {
    if (a.field) {
      const name = a.field.name;
      const v = values[name] as number;
      if (a.kind === 'STUCK') values[name] = a.stuck;
      else if (a.kind === 'LEVEL_SHIFT') values[name] = clampRound(v + a.offset, a.field);
      else if (a.kind === 'DRIFT') values[name] = clampRound(v + (a.offset * (a.done + 1)) / a.length, a.field);
      else if (a.kind === 'NOISE_BURST')
        values[name] = clampRound(v + a.extraSigma * gaussian(seed, deviceIndex, seq, SALT.burstNoise), a.field);
    }
    a.done += 1;
    if (a.done >= a.length) finish(deviceIndex, a, false);
    else active.set(deviceIndex, a);
    return a.kind === 'MISSING' ? { publish: false } : { publish: true };
  };

  return {
    apply(device, seq, ts, values, originTs) {
      const a = active.get(device.index);
      if (a) {
        a.record.endTs = ts;
        a.record.readings += 1;
        return step(device.index, seq, a, values);
      }
      if (options.notBeforeTs !== undefined && ts < options.notBeforeTs) return { publish: true };
      if (p > 0 && kinds.length > 0 && uniform(seed, device.index, seq, SALT.anomalyStart) < p)
        return start(device, seq, ts, values, originTs);
      return { publish: true };
    },
    setInterval(ms) {
      if (!(ms > 0)) throw new ConfigError('interval', `expected ms > 0, got ${ms}`);
      intervalMs = ms;
      p = probability();
    },
    flush() {
      for (const [i, a] of [...active]) finish(i, a, true);
    },
    get active() {
      return active.size;
    },
  };
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
