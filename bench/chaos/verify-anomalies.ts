/** The fields that make an anomaly record one: an incident's OPEN and its CLOSED differ by status. */
export interface AnomalyIdentity {
  deviceId: string;
  field: string;
  ts: number;
  kind: string;
  status: string;
}

export interface AnomaliesVerdict {
  records: number;
  unique: number;
  /** Records identical to an earlier one (same device, field, ts, kind, status). */
  repeated: number;
  byKindStatus: Record<string, number>;
  examples: string[];
}

/** Every anomaly record is unique: no two with the same device, field, ts, kind and status. */
export function verifyAnomalies(records: readonly AnomalyIdentity[]): AnomaliesVerdict {
  const seen = new Map<string, number>();
  const byKindStatus: Record<string, number> = {};
  const examples: string[] = [];
  for (const r of records) {
    const key = `${r.deviceId}|${r.field}|${r.ts}|${r.kind}|${r.status}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (n === 2 && examples.length < 8) examples.push(`repeated: ${key}`);
    byKindStatus[`${r.kind}/${r.status}`] = (byKindStatus[`${r.kind}/${r.status}`] ?? 0) + 1;
  }
  return { records: records.length, unique: seen.size, repeated: records.length - seen.size, byKindStatus, examples };
}
