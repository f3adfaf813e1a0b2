/**
 * Whether a pipeline kept up with an input rate: the verdict of one step of the end-to-end
 * benchmark, from consumer-lag samples and the simulator's achieved rate. Pure.
 *
 * A step is sustained when
 * - the simulator published at least `minAchieved` of the target rate (else MQTT is the bottleneck:
 *   QoS 1 PUBACKs come only after Kafka acked, so a slow source slows the publisher), and
 * - the backlog (queued in Mosquitto + consumer lag) does not trend upwards after the warm-up: the least-squares slope of lag
 *   over time is below `maxSlopeShare` of the input rate (a pipeline short of capacity by 5% gains a
 *   backlog at 5% of the rate), or the lag never leaves `floorSeconds` worth of input.
 *
 * @example
 *   lagVerdict({ rate: 2000, achievedRate: 1990, samples }).sustained
 */
export interface LagSample {
  /** Seconds since the step started. */
  t: number;
  /** Records behind: readings queued in Mosquitto for the source plus every group's consumer lag. */
  lag: number;
}

export interface LagVerdictInput {
  rate: number;
  achievedRate: number;
  samples: LagSample[];
  /** Share of the step ignored at its start (workers catching up with the first batches). */
  warmupShare?: number;
  minAchieved?: number;
  maxSlopeShare?: number;
  floorSeconds?: number;
}

export interface LagVerdict {
  sustained: boolean;
  reason: string;
  /** Records per second the lag grew by (least squares, after the warm-up). */
  slope: number;
  maxLag: number;
  /** Lag at the last sample. */
  endLag: number;
}

export function lagVerdict(input: LagVerdictInput): LagVerdict {
  const { rate, achievedRate, samples } = input;
  const warmupShare = input.warmupShare ?? 0.2;
  const minAchieved = input.minAchieved ?? 0.95;
  const maxSlopeShare = input.maxSlopeShare ?? 0.02;
  const floor = (input.floorSeconds ?? 5) * rate;
  if (samples.length < 4) throw new Error(`a verdict needs at least 4 lag samples, got ${samples.length}`);
  const lastT = samples[samples.length - 1]!.t;
  const kept = samples.filter((s) => s.t >= lastT * warmupShare);
  const slope = leastSquaresSlope(kept.length >= 3 ? kept : samples);
  const maxLag = Math.max(...kept.map((s) => s.lag));
  const endLag = samples[samples.length - 1]!.lag;
  const base = { slope, maxLag, endLag };
  if (achievedRate < rate * minAchieved)
    return {
      ...base,
      sustained: false,
      reason: `published ${achievedRate.toFixed(0)}/s of ${rate}/s (< ${minAchieved * 100}%): MQTT side saturated`,
    };
  if (maxLag <= floor)
    return {
      ...base,
      sustained: true,
      reason: `lag stayed under ${floor} records (${input.floorSeconds ?? 5} s of input)`,
    };
  if (slope < rate * maxSlopeShare)
    return {
      ...base,
      sustained: true,
      reason: `lag trend ${slope.toFixed(1)} records/s < ${maxSlopeShare * 100}% of the rate`,
    };
  return {
    ...base,
    sustained: false,
    reason: `lag grew by ${slope.toFixed(1)} records/s (≥ ${maxSlopeShare * 100}% of the rate), up to ${maxLag}`,
  };
}

/** Least-squares slope of lag over t (records per second). */
export function leastSquaresSlope(samples: LagSample[]): number {
  const n = samples.length;
  const meanT = samples.reduce((s, x) => s + x.t, 0) / n;
  const meanLag = samples.reduce((s, x) => s + x.lag, 0) / n;
  let num = 0;
  let den = 0;
  for (const x of samples) {
    num += (x.t - meanT) * (x.lag - meanLag);
    den += (x.t - meanT) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
