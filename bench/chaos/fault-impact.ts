import type { LagSample } from './lag-sampler.js';

/** When a fault happened, as carried out (seconds since the load started). */
export interface FaultTiming {
  name: string;
  /** The fault began (kill, stop, pause). */
  at: number;
  /** The target was back: started again, resumed (undefined: never). */
  restoredAt: number | undefined;
}

export interface FaultImpact extends FaultTiming {
  /** The most records each group (and `mqtt`) was behind from `at` until the next fault. */
  maxLag: Record<string, number>;
  /** Seconds in that span when the lag could not be read (Kafka down). */
  unreadableS: number;
  /** First time from `restoredAt` on when every lag was under its threshold for `stable` samples in a row. */
  recoveredAt: number | null;
  /** recoveredAt - at: the time to recover. */
  recoverS: number | null;
}

/**
 * What each fault did to the consumer lag (pure): the largest lag per group between the fault and
 * the next one (or `endT`), and when every group was back under `threshold` records, to stay
 * there for `stable` consecutive samples. A sample that could not be read counts as not recovered.
 *
 * @example
 *   faultImpacts(samples, [{ name: 'sink kill -9', at: 165, restoredAt: 170 }], 600, 1500);
 *   // [{ ..., maxLag: { sink: 5200, ... }, recoveredAt: 181, recoverS: 16 }]
 */
export function faultImpacts(
  samples: readonly LagSample[],
  faults: readonly FaultTiming[],
  endT: number,
  threshold: number,
  stable = 3,
): FaultImpact[] {
  const sorted = [...faults].sort((a, b) => a.at - b.at);
  return sorted.map((fault, i) => {
    const until = sorted[i + 1]?.at ?? endT;
    const span = samples.filter((s) => s.t >= fault.at && s.t < until);
    const maxLag: Record<string, number> = {};
    let unreadable = 0;
    for (const s of span) {
      let missing = false;
      for (const [group, lag] of Object.entries(s.lag)) {
        if (lag === null) missing = true;
        else maxLag[group] = Math.max(maxLag[group] ?? 0, lag);
      }
      if (missing) unreadable += 1;
    }
    const recoveredAt = firstStable(
      span.filter((s) => fault.restoredAt !== undefined && s.t >= fault.restoredAt),
      threshold,
      stable,
    );
    return {
      ...fault,
      maxLag,
      unreadableS: unreadable,
      recoveredAt,
      recoverS: recoveredAt === null ? null : Math.round((recoveredAt - fault.at) * 10) / 10,
    };
  });
}

/** The largest lag per group before the first fault: the pipeline's normal state. */
export function baselineLag(samples: readonly LagSample[], firstFaultAt: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples)
    if (s.t < firstFaultAt)
      for (const [group, lag] of Object.entries(s.lag)) if (lag !== null) out[group] = Math.max(out[group] ?? 0, lag);
  return out;
}

function firstStable(span: readonly LagSample[], threshold: number, stable: number): number | null {
  let run = 0;
  for (let i = 0; i < span.length; i++) {
    const s = span[i]!;
    const ok = Object.values(s.lag).every((lag) => lag !== null && lag < threshold);
    run = ok ? run + 1 : 0;
    if (run >= stable) return span[i - stable + 1]!.t;
  }
  return null;
}
