import { type CompositeConfig, type CompositeConfigInput, parseCompositeConfig } from './composite-config.js';
import { assertFiniteValue } from './finite-value.js';
import { type DailyProfileState, dailyProfileState, dailyProfileUpdate } from './novelty/daily-profile.js';
import { type RegimeNoveltyState, regimeNoveltyState, regimeNoveltyUpdate } from './novelty/regime-novelty.js';
import { type ShapeNoveltyState, shapeNoveltyState, shapeNoveltyUpdate } from './novelty/shape-novelty.js';
import { type RangeNoveltyState, rangeNoveltyState, rangeNoveltyUpdate } from './range-novelty.js';
import {
  type LikelihoodState,
  likelihoodState,
  likelihoodUpdate,
  logLikelihoodScore,
} from './stats/anomaly-likelihood.js';
import { type StuckState, stuckLikelihood, stuckState } from './stuck.js';
import type { Anomaly, AnomalyKind, Detector, DetectorResult } from './types.js';

/** Which part of the combined detector produced a record's score. */
export type CompositeChannel = 'shape' | 'regime' | 'profile' | 'stuck' | 'range' | 'none';

/**
 * Plain-JSON state of the combined detector for one series. Bounded: each novelty channel keeps
 * at most `memory` vectors, everything else is a handful of numbers per channel.
 */
export interface CompositeState {
  n: number;
  shapes: { novelty: ShapeNoveltyState; likelihood: LikelihoodState }[];
  regime: { novelty: RegimeNoveltyState; likelihood: LikelihoodState } | null;
  profile: { novelty: DailyProfileState; likelihood: LikelihoodState } | null;
  stuck: StuckState | null;
  range: RangeNoveltyState | null;
  /** Running mean and variance of the values (the `expected` band of an anomaly). */
  mean: number;
  variance: number;
  lastAlert: number;
  lastAlertScore: number;
  /** The channel behind the last score (for explanation and tests). */
  channel: CompositeChannel;
}

const BAND_SIGMAS = 3;
const MEAN_MEMORY = 100;

/**
 * The combined anomaly score, the one NAB scores: several novelty channels (shape at two time
 * scales, regime, daily profile), each turned into a calibrated score by its own anomaly
 * likelihood, plus a stuck-run channel and range novelty; the record's score is the highest, then
 * damped for `refractoryRecords` after an alert unless it beats that alert. Streaming, no
 * look-ahead, bounded state, event time only.
 *
 * @example
 *   const d = compositeDetector();                  // the tuned defaults
 *   const s = d.init();
 *   const { score, anomaly } = d.update(s, ts, value);
 */
export function compositeDetector(input: CompositeConfigInput | CompositeConfig = {}): Detector<CompositeState> {
  const c = parseCompositeConfig(input);
  return {
    name: 'combined',
    init: () => compositeState(c),
    update: (s, ts, x) => compositeUpdate(s, ts, x, c),
  };
}

export function compositeState(c: CompositeConfig): CompositeState {
  return {
    n: 0,
    shapes: c.shapes.map((shape) => ({ novelty: shapeNoveltyState(shape), likelihood: likelihoodState() })),
    regime: c.regime ? { novelty: regimeNoveltyState(c.regime), likelihood: likelihoodState() } : null,
    profile: c.profile ? { novelty: dailyProfileState(c.profile), likelihood: likelihoodState() } : null,
    stuck: c.stuck ? stuckState() : null,
    range: c.range ? rangeNoveltyState() : null,
    mean: 0,
    variance: 0,
    lastAlert: Number.NEGATIVE_INFINITY,
    lastAlertScore: 0,
    channel: 'none',
  };
}

export function compositeUpdate(s: CompositeState, ts: number, x: number, c: CompositeConfig): DetectorResult {
  assertFiniteValue(x, 'combined');
  s.n++;
  let score = 0;
  let channel: CompositeChannel = 'none';
  const L = c.likelihood;
  for (let i = 0; i < c.shapes.length; i++) {
    const ch = s.shapes[i] as CompositeState['shapes'][number];
    const raw = shapeNoveltyUpdate(ch.novelty, x, c.shapes[i] as CompositeConfig['shapes'][number]);
    const v = logLikelihoodScore(likelihoodUpdate(ch.likelihood, raw, L));
    if (v > score) {
      score = v;
      channel = 'shape';
    }
  }
  if (c.regime && s.regime) {
    const raw = regimeNoveltyUpdate(s.regime.novelty, x, c.regime);
    const v = logLikelihoodScore(likelihoodUpdate(s.regime.likelihood, raw, L));
    if (v > score) {
      score = v;
      channel = 'regime';
    }
  }
  if (c.profile && s.profile) {
    const raw = dailyProfileUpdate(s.profile.novelty, ts, x, c.profile);
    const v = logLikelihoodScore(likelihoodUpdate(s.profile.likelihood, raw, L));
    if (v > score) {
      score = v;
      channel = 'profile';
    }
  }
  if (c.stuck && s.stuck) {
    const v = logLikelihoodScore(stuckLikelihood(s.stuck, x, c.stuck));
    if (v > score) {
      score = v;
      channel = 'stuck';
    }
  }
  const rangeMin = s.range?.min ?? null;
  const rangeMax = s.range?.max ?? null;
  if (c.range && s.range) {
    const v = rangeNoveltyUpdate(s.range, x, c.range);
    if (v > score) {
      score = v;
      channel = 'range';
    }
  }

  const { threshold, refractoryRecords, damping } = c.alert;
  if (
    refractoryRecords > 0 &&
    s.n - s.lastAlert < refractoryRecords &&
    score >= threshold &&
    score <= s.lastAlertScore
  ) {
    score *= damping;
  }
  s.channel = channel;
  let result: DetectorResult;
  if (score >= threshold) {
    s.lastAlert = s.n;
    s.lastAlertScore = score;
    result = s.n > c.alert.warmupRecords ? { score, anomaly: describe(s, x, channel, rangeMin, rangeMax) } : { score };
  } else {
    result = { score };
  }
  updateBand(s, x);
  return result;
}

function describe(
  s: CompositeState,
  x: number,
  channel: CompositeChannel,
  rangeMin: number | null,
  rangeMax: number | null,
): Anomaly {
  const sd = Math.sqrt(s.variance);
  let expected = s.mean;
  let lower = s.mean - BAND_SIGMAS * sd;
  let upper = s.mean + BAND_SIGMAS * sd;
  let kind: AnomalyKind;
  if (channel === 'stuck') {
    kind = 'STUCK';
  } else if (channel === 'regime') {
    kind = 'LEVEL_SHIFT';
  } else if (channel === 'range' && rangeMin !== null && rangeMax !== null) {
    lower = rangeMin;
    upper = rangeMax;
    kind = x > rangeMax ? 'SPIKE' : 'DIP';
  } else {
    if (channel === 'profile' && s.profile) expected = s.profile.novelty.expected;
    kind = x >= expected ? 'SPIKE' : 'DIP';
  }
  return { kind, expected, lower, upper, detector: `combined/${channel}` };
}

function updateBand(s: CompositeState, x: number): void {
  const a = 1 / Math.min(s.n, MEAN_MEMORY);
  const d = x - s.mean;
  s.mean += a * d;
  s.variance = (1 - a) * (s.variance + a * d * d);
}
