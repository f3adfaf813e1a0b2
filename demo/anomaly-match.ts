/**
 * Scores the anomalies the pipeline found against the ground truth the simulator injected: an
 * injected anomaly is found when an anomaly record names the same device (and field, except for a
 * silent device) with an event time inside the injected span widened by `slackMs` on both sides
 * (detectors need a few readings; a MISSING alarm comes after the silence began). Pure.
 */
export interface InjectedAnomaly {
  deviceId: string;
  field: string;
  kind: string;
  startTs: number;
  endTs: number;
}

export interface FoundAnomaly {
  deviceId: string;
  field: string;
  kind: string;
  ts: number;
}

export interface MatchResult {
  /** Injected anomalies (excluding MALFORMED, which the connector dead-letters) that were found. */
  found: number;
  missed: InjectedAnomaly[];
  /** Found anomalies that match no injected one (false positives, or the signal's own oddities). */
  extra: FoundAnomaly[];
  byKind: Record<string, { injected: number; found: number }>;
}

export function matchAnomalies(injected: InjectedAnomaly[], found: FoundAnomaly[], slackMs: number): MatchResult {
  const scored = injected.filter((a) => a.kind !== 'MALFORMED');
  const used = new Set<number>();
  const missed: InjectedAnomaly[] = [];
  const byKind: MatchResult['byKind'] = {};
  let hits = 0;
  for (const a of scored) {
    const k = byKind[a.kind] ?? { injected: 0, found: 0 };
    byKind[a.kind] = k;
    k.injected += 1;
    const lo = a.startTs - slackMs;
    const hi = a.endTs + slackMs;
    let hit = false;
    found.forEach((f, i) => {
      const sameTarget =
        f.deviceId === a.deviceId && (a.kind === 'MISSING' ? f.kind === 'MISSING' : f.field === a.field);
      if (sameTarget && f.ts >= lo && f.ts <= hi) {
        hit = true;
        used.add(i);
      }
    });
    if (hit) {
      hits += 1;
      k.found += 1;
    } else missed.push(a);
  }
  return { found: hits, missed, extra: found.filter((_, i) => !used.has(i)), byKind };
}
