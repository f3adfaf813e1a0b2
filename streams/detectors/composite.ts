import { type CompositeConfig, type CompositeConfigInput, parseCompositeConfig } from './composite-config.js';
import { CHANNELS, type CompositeLayout, compositeLayout, HEADER } from './composite-layout.js';
import { type CompositeSettings, compositeSettings } from './composite-settings.js';
import { assertFiniteValue } from './finite-value.js';
import {
  dailyProfileExpected,
  dailyProfileInit,
  dailyProfileMean,
  dailyProfileUpdate,
} from './novelty/daily-profile.js';
import { jumpForecast, jumpInit, jumpRestart, jumpScale, jumpUpdate } from './novelty/jump.js';
import { regimeNoveltyInit, regimeNoveltyUpdate } from './novelty/regime-novelty.js';
import { shapeNoveltyInit, shapeNoveltyUpdate } from './novelty/shape-novelty.js';
import { rangeNoveltyInit, rangeNoveltyMax, rangeNoveltyMin, rangeNoveltyUpdate } from './range-novelty.js';
import { likelihoodInit, likelihoodUpdate, logLikelihoodScore } from './stats/anomaly-likelihood.js';
import { stuckInit, stuckPackedLikelihood } from './stuck.js';
import type { Anomaly, AnomalyKind, Detector, DetectorResult } from './types.js';

/** Which part of the combined detector produced a record's score. */
export type CompositeChannel = (typeof CHANNELS)[number];

/**
 * State of the combined detector for one series, packed for a keyed store: two typed arrays whose
 * layout follows from the config (`composite-layout.ts`). `f` holds the scalars and short arrays
 * (float64: counters, running statistics, the regime window, the daily profile, each likelihood's
 * recent raw scores); `b` and `m` the vector memories, as int8 codes and int16 insertion numbers
 * (`stats/quantised-ring.ts`). Bounded
 * by the config whatever the series length; `composite-codec.ts` copies it to bytes and back exactly.
 */
export interface CompositeState {
  f: Float64Array;
  b: Int8Array;
  m: Int16Array;
}

const BAND_SIGMAS = 3;
const MEAN_MEMORY = 100;
/** A jump anomaly's band: the forecast +- this many typical errors. */
const JUMP_BAND = 3;

/**
 * The combined anomaly score, the one NAB scores: several novelty channels (shape, regime, daily
 * profile), each turned into a calibrated score by its own anomaly likelihood, plus a stuck-run
 * channel and range novelty; the record's score is the highest, then damped for
 * `refractoryRecords` after an alert unless it beats that alert. Streaming, no look-ahead, bounded
 * state, event time only, deterministic.
 *
 * @example
 *   const d = compositeDetector();                  // the tuned defaults
 *   const s = d.init();
 *   const { score, anomaly } = d.update(s, ts, value);
 */
export function compositeDetector(input: CompositeConfigInput | CompositeConfig = {}): Detector<CompositeState> {
  const c = parseCompositeConfig(input);
  const l = compositeLayout(c);
  const settings = compositeSettings(c);
  return {
    name: 'combined',
    init: () => compositeState(c),
    update: (s, ts, x) => update(s, ts, x, c, l, settings),
  };
}

/** A fresh state for the config. */
export function compositeState(c: CompositeConfig): CompositeState {
  const l = compositeLayout(c);
  const s: CompositeState = {
    f: new Float64Array(l.fSize),
    b: new Int8Array(l.bSize),
    m: new Int16Array(l.mSize),
  };
  reset(s, c, l);
  return s;
}

/** Starts the state over for the layout (a state written under another layout is not read). */
function reset(s: CompositeState, c: CompositeConfig, l: CompositeLayout): void {
  if (!(s.f instanceof Float64Array) || s.f.length !== l.fSize) s.f = new Float64Array(l.fSize);
  if (!(s.b instanceof Int8Array) || s.b.length !== l.bSize) s.b = new Int8Array(l.bSize);
  if (!(s.m instanceof Int16Array) || s.m.length !== l.mSize) s.m = new Int16Array(l.mSize);
  const { f, b, m } = s;
  f.fill(0);
  b.fill(0);
  m.fill(0);
  f[HEADER.key] = l.key;
  f[HEADER.lastAlert] = Number.NEGATIVE_INFINITY;
  l.shapes.forEach((ch, i) => {
    shapeNoveltyInit(f, b, m, ch.novelty, c.shapes[i] as CompositeConfig['shapes'][number]);
    likelihoodInit(f, ch.likelihood, c.likelihood);
  });
  if (l.regime) {
    regimeNoveltyInit(f, b, m, l.regime.novelty);
    likelihoodInit(f, l.regime.likelihood, c.likelihood);
  }
  if (l.profile) {
    dailyProfileInit(f, l.profile.at, l.profile.config);
    likelihoodInit(f, l.profile.likelihood, c.likelihood);
  }
  if (l.stuck !== null) stuckInit(f, l.stuck);
  if (l.range !== null) rangeNoveltyInit(f, l.range);
  if (l.jump !== null) jumpInit(f, l.jump);
}

/** The channel behind the state's last score. */
export function compositeChannel(s: CompositeState): CompositeChannel {
  return CHANNELS[s.f[HEADER.channel] as number] ?? 'none';
}

/** Folds one record into the state (in place) and returns its score and, at or above `alert.threshold` after the warm-up, the anomaly. */
export function compositeUpdate(s: CompositeState, ts: number, x: number, c: CompositeConfig): DetectorResult {
  return update(s, ts, x, c, compositeLayout(c), compositeSettings(c));
}

function update(
  s: CompositeState,
  ts: number,
  x: number,
  c: CompositeConfig,
  l: CompositeLayout,
  settings: CompositeSettings,
): DetectorResult {
  assertFiniteValue(x, 'combined');
  if (
    !(s.f instanceof Float64Array) ||
    s.f[HEADER.key] !== l.key ||
    s.f.length !== l.fSize ||
    s.b?.length !== l.bSize ||
    s.m?.length !== l.mSize
  )
    reset(s, c, l);
  const { f, b, m } = s;
  const n = (f[HEADER.n] as number) + 1;
  f[HEADER.n] = n;
  const gap = followsGap(f, n, ts, c.gap);
  if (gap && l.jump !== null) jumpRestart(f, l.jump);
  let score = 0;
  let channel = 0;
  const L = settings.likelihood;
  for (let i = 0; i < l.shapes.length; i++) {
    const ch = l.shapes[i] as CompositeLayout['shapes'][number];
    const raw = shapeNoveltyUpdate(f, b, m, ch.novelty, x, c.shapes[i] as CompositeConfig['shapes'][number]);
    const v = logLikelihoodScore(likelihoodUpdate(f, ch.likelihood, raw, L));
    if (v > score) {
      score = v;
      channel = 1;
    }
  }
  if (c.regime && l.regime) {
    const raw = regimeNoveltyUpdate(f, b, m, l.regime.novelty, x, c.regime);
    const v = logLikelihoodScore(likelihoodUpdate(f, l.regime.likelihood, raw, L));
    if (v > score) {
      score = v;
      channel = 2;
    }
  }
  // The usual value at this time of day, before this record joins it (a jump's seasonal check).
  const seasonal = c.profile && l.profile ? dailyProfileMean(f, l.profile.at, ts, c.profile) : Number.NaN;
  if (c.profile && l.profile) {
    const raw = dailyProfileUpdate(f, l.profile.at, ts, x, c.profile);
    const v = logLikelihoodScore(likelihoodUpdate(f, l.profile.likelihood, raw, L));
    if (v > score) {
      score = v;
      channel = 3;
    }
  }
  if (settings.stuck && l.stuck !== null) {
    const v = logLikelihoodScore(stuckPackedLikelihood(f, l.stuck, x, settings.stuck));
    if (v > score) {
      score = v;
      channel = 4;
    }
  }
  if (c.jump && l.jump !== null) {
    const v = logLikelihoodScore(jumpUpdate(f, l.jump, x, c.jump, L.red, L.yellow, seasonal));
    if (v > score) {
      score = v;
      channel = 6;
    }
  }
  // The range before this record widens it (the band of a range anomaly).
  const rangeMin = l.range === null ? 0 : rangeNoveltyMin(f, l.range);
  const rangeMax = l.range === null ? 0 : rangeNoveltyMax(f, l.range);
  if (c.range && l.range !== null) {
    const v = rangeNoveltyUpdate(f, l.range, x, c.range);
    if (v > score) {
      score = v;
      channel = 5;
    }
  }

  // Refractory: within `refractoryRecords` of an alert, a score no higher than its own is damped
  // (one event, one high record).
  const { threshold, refractoryRecords, damping } = c.alert;
  if (
    refractoryRecords > 0 &&
    n - (f[HEADER.lastAlert] as number) < refractoryRecords &&
    score >= threshold &&
    score <= (f[HEADER.lastAlertScore] as number)
  ) {
    score *= damping;
  }
  f[HEADER.channel] = channel;
  if (score >= threshold) {
    f[HEADER.lastAlert] = n;
    f[HEADER.lastAlertScore] = score;
  }
  const result: DetectorResult =
    score >= threshold && n > c.alert.warmupRecords
      ? { score, anomaly: describe(s, l, x, channel, rangeMin, rangeMax) }
      : { score };
  updateBand(f, n, x);
  return result;
}

function describe(
  s: CompositeState,
  l: CompositeLayout,
  x: number,
  channel: number,
  rangeMin: number,
  rangeMax: number,
): Anomaly {
  const { f } = s;
  const mean = f[HEADER.mean] as number;
  const sd = Math.sqrt(f[HEADER.variance] as number);
  let expected = mean;
  let lower = mean - BAND_SIGMAS * sd;
  let upper = mean + BAND_SIGMAS * sd;
  let kind: AnomalyKind;
  const name = CHANNELS[channel] ?? 'none';
  if (name === 'stuck') {
    kind = 'STUCK';
  } else if (name === 'regime') {
    kind = 'LEVEL_SHIFT';
  } else if (name === 'range') {
    lower = rangeMin;
    upper = rangeMax;
    kind = x > rangeMax ? 'SPIKE' : 'DIP';
  } else if (name === 'jump' && l.jump !== null) {
    expected = jumpForecast(f, l.jump);
    const band = JUMP_BAND * jumpScale(f, l.jump);
    lower = expected - band;
    upper = expected + band;
    kind = x >= expected ? 'SPIKE' : 'DIP';
  } else {
    if (name === 'profile' && l.profile) expected = dailyProfileExpected(f, l.profile.at);
    kind = x >= expected ? 'SPIKE' : 'DIP';
  }
  return { kind, expected, lower, upper, detector: `combined/${name}` };
}

/**
 * Whether this record follows a gap: more than `factor` usual intervals after the previous one (the
 * usual interval: a running mean of the gaps, gaps themselves left out). Keeps the header's event
 * times up to date.
 */
function followsGap(f: Float64Array, n: number, ts: number, factor: number): boolean {
  const last = f[HEADER.lastTs] as number;
  f[HEADER.lastTs] = ts;
  if (n <= 1) return false;
  const step = ts - last;
  if (!(step > 0)) return false;
  const interval = f[HEADER.interval] as number;
  if (interval > 0 && step > factor * interval) return true;
  f[HEADER.interval] = interval > 0 ? interval + (step - interval) / Math.min(n - 1, MEAN_MEMORY) : step;
  return false;
}

function updateBand(f: Float64Array, n: number, x: number): void {
  const a = 1 / Math.min(n, MEAN_MEMORY);
  const mean = f[HEADER.mean] as number;
  const d = x - mean;
  f[HEADER.mean] = mean + a * d;
  f[HEADER.variance] = (1 - a) * ((f[HEADER.variance] as number) + a * d * d);
}
