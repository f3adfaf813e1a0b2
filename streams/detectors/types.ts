/** The kinds of anomaly the detectors report (the `kind` field of an anomaly record). */
export type AnomalyKind = 'SPIKE' | 'DIP' | 'LEVEL_SHIFT' | 'STUCK' | 'OUT_OF_RANGE' | 'MISSING';

/**
 * What a detector says about a record it flags: the kind, the value it expected and the band it
 * considered normal, and its own name (`detector`), ready for the anomaly record.
 *
 * @example { kind: 'SPIKE', expected: 21.5, lower: 19.8, upper: 23.2, detector: 'spike-dip' }
 */
export interface Anomaly {
  kind: AnomalyKind;
  expected: number;
  lower: number;
  upper: number;
  detector: string;
}

/**
 * A detector's verdict on one record: `score` in [0, 1] (how unusual the record is; 0 while the
 * detector is still learning) and `anomaly` when the score crossed the detector's threshold.
 */
export interface DetectorResult {
  score: number;
  anomaly?: Anomaly;
}

/**
 * A streaming detector for one series (one device's one field): `init` makes the state,
 * `update(state, ts, value)` folds one record in (mutating `state` in place) and returns the
 * verdict. State is plain JSON (numbers, arrays of numbers, nested objects), bounded in size by
 * the config, so that a keyed state store can persist it and restore it after a restart; `update`
 * never looks ahead and never reads the wall clock (`ts` is event time).
 *
 * @example
 *   const d = spikeDip({ confidence: 99, history: 120, mode: 'both' });
 *   const state = d.init();
 *   for (const r of readings) { const v = d.update(state, r.ts, r.value); if (v.anomaly) alert(v.anomaly); }
 *   store.put(key, JSON.stringify(state));
 */
export interface Detector<S> {
  readonly name: string;
  init(): S;
  update(state: S, ts: number, value: number): DetectorResult;
}
