import { ConfigError } from '../../lib/errors.js';
import type { Detector, DetectorResult } from './types.js';

/**
 * Out of range: bounds known in advance (from config or the schema's field docs), at least one of
 * `min` and `max`. Score 1 outside, 0 inside; the anomaly is SPIKE above, DIP below, with the
 * nearest bound as `expected`. The state holds nothing but a count (the detector is stateless).
 *
 * @example
 *   const d = outOfRange({ min: -40, max: 85 }); // a temperature sensor's rated range
 *   d.update(d.init(), ts, 120).anomaly?.kind // 'OUT_OF_RANGE'
 */
export interface OutOfRangeConfig {
  min?: number;
  max?: number;
}

export interface OutOfRangeState {
  outside: number;
}

export function outOfRange(config: OutOfRangeConfig, key = 'detectors.outOfRange'): Detector<OutOfRangeState> {
  const { min, max } = config;
  if (min === undefined && max === undefined) throw new ConfigError(key, 'expected at least one of min and max');
  if (min !== undefined && max !== undefined && !(min <= max)) {
    throw new ConfigError(key, `expected min <= max, got min=${min} max=${max}`);
  }
  const lower = min ?? Number.NEGATIVE_INFINITY;
  const upper = max ?? Number.POSITIVE_INFINITY;
  return {
    name: 'out-of-range',
    init: () => ({ outside: 0 }),
    update(s, _ts, x): DetectorResult {
      if (x >= lower && x <= upper) return { score: 0 };
      s.outside++;
      return {
        score: 1,
        anomaly: { kind: 'OUT_OF_RANGE', expected: x > upper ? upper : lower, lower, upper, detector: 'out-of-range' },
      };
    },
  };
}
