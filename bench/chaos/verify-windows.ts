import { type PublishedReading, readingKey } from './expected-readings.js';
import {
  compareWindow,
  type GotWindowResult,
  type RefInput,
  type RefWindowResult,
  referenceWindows,
  windowKey,
} from './window-reference.js';

/** One window step of the aggregate topology: `<type>-<name>`. */
export interface WindowStep {
  step: string;
  type: string;
  sizeMs: number;
  graceMs: number;
}

export interface GotResult extends GotWindowResult {
  deviceId: string;
  windowStart: number;
}

export interface WindowStepVerdict {
  step: string;
  /** Windows whose end + grace every partition's stream time passed: each must have its result. */
  mustExist: number;
  results: number;
  exact: number;
  /** A must-exist window with no result. */
  missing: number;
  /** The same (device, window) more than once. */
  repeated: number;
  /** Results that differ from the exactly-once reference (count or a statistic). */
  mismatched: number;
  /** Of those, results equal to the reference with each reading counted as often as Kafka holds it: the MQTT path's duplicates, aggregated exactly once each. */
  explainedByKafkaCopies: number;
  /** Results for windows the reference does not have. */
  unexpected: number;
  /** Windows still open at the end (not checked). */
  open: number;
  /** Acked readings the pipeline declared late for this step (every copy, or with dedupe any copy): left out of the reference. */
  declaredLate: number;
  /** Late-topic records of this step. */
  lateRecords: number;
  examples: string[];
}

export interface WindowInputs {
  acked: readonly PublishedReading[];
  /** Copies of each reading in Kafka (readingKey -> n). */
  kafkaCopies: ReadonlyMap<string, number>;
  /** Late-topic records per step (readingKey -> n). */
  late: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Every partition's stream time reached at least this (the last reading's ts minus one interval). */
  closedBefore: number;
  /**
   * The topologies' dedupe step is on (`streams.dedupe`): each reading is counted or declared late
   * once, whatever its copies, since every copy after the first is dropped before the windows. A
   * reading with any copy on the late topic is then left out. Off: every copy counts unless declared late.
   */
  dedupe: boolean;
}

/**
 * Each (device, window) exactly once and equal to a plain reduce of the acked readings, each counted
 * once unless the pipeline declared every copy of it late for the step (the late topic).
 */
export function verifyWindowStep(
  step: WindowStep,
  results: readonly GotResult[],
  inputs: WindowInputs,
): WindowStepVerdict {
  const late = inputs.late.get(step.step) ?? new Map<string, number>();
  const once: RefInput[] = [];
  const asInKafka: RefInput[] = [];
  let declaredLate = 0;
  for (const r of inputs.acked) {
    if (r.type !== step.type) continue;
    const key = readingKey(r.deviceId, r.ts);
    const counted = (inputs.kafkaCopies.get(key) ?? 0) - (late.get(key) ?? 0);
    // left out only when the pipeline said so: a reading missing from Kafka still counts (and is missed)
    const allLate = late.has(key) && (inputs.dedupe || counted <= 0);
    if (allLate) declaredLate += 1;
    once.push({ deviceId: r.deviceId, ts: r.ts, values: r.values, weight: allLate ? 0 : 1 });
    asInKafka.push({ deviceId: r.deviceId, ts: r.ts, values: r.values, weight: Math.max(0, counted) });
  }
  const reference = referenceWindows(once, step.sizeMs);
  const kafkaReference = referenceWindows(asInKafka, step.sizeMs);
  const closed = (w: RefWindowResult) => w.windowEnd + step.graceMs <= inputs.closedBefore;

  const verdict: WindowStepVerdict = {
    step: step.step,
    mustExist: [...reference.values()].filter(closed).length,
    results: results.length,
    exact: 0,
    missing: 0,
    repeated: 0,
    mismatched: 0,
    explainedByKafkaCopies: 0,
    unexpected: 0,
    open: 0,
    declaredLate,
    lateRecords: [...late.values()].reduce((a, b) => a + b, 0),
    examples: [],
  };
  const example = (text: string) => {
    if (verdict.examples.length < 8) verdict.examples.push(`${step.step} ${text}`);
  };
  const seen = new Set<string>();
  for (const got of results) {
    const key = windowKey(got.deviceId, got.windowStart);
    if (seen.has(key)) {
      verdict.repeated += 1;
      example(`${key}: result repeated`);
      continue;
    }
    seen.add(key);
    const want = reference.get(key);
    if (!want) {
      verdict.unexpected += 1;
      example(`${key}: result with no reference (count ${got.count})`);
      continue;
    }
    const diff = compareWindow(got, want);
    if (diff === '') verdict.exact += 1;
    else {
      verdict.mismatched += 1;
      const kafkaWant = kafkaReference.get(key);
      if (kafkaWant && compareWindow(got, kafkaWant) === '') verdict.explainedByKafkaCopies += 1;
      example(`${key}: ${diff}`);
    }
  }
  for (const [key, want] of reference) {
    if (seen.has(key)) continue;
    if (closed(want)) {
      verdict.missing += 1;
      example(`${key}: no result (${want.count} readings)`);
    } else verdict.open += 1;
  }
  return verdict;
}

/** True when the step's results are all exact and complete. */
export function windowStepPasses(v: WindowStepVerdict): boolean {
  return v.missing === 0 && v.repeated === 0 && v.mismatched === 0 && v.unexpected === 0;
}
