/** Why an open file is closed (a metric label). */
export type RotationReason = 'records' | 'bytes' | 'time' | 'schema' | 'memory' | 'shutdown';

export interface RotationLimits {
  maxRecords: number;
  maxBytes: number;
  /** A file open this long is closed, input or not (ms). */
  intervalMs: number;
}

export interface FileFill {
  records: number;
  bytes: number;
  openedAtMs: number;
}

/**
 * Whether an open file must be closed now, and why: records first, then bytes, then age (wall
 * clock since it was opened, so a partition with no new input still gets its file written). Pure.
 *
 * @example
 *   rotationDue({ records: 10, bytes: 900, openedAtMs: 0 }, { maxRecords: 10, maxBytes: 1e6, intervalMs: 60_000 }, 5) // 'records'
 */
export function rotationDue(file: FileFill, limits: RotationLimits, nowMs: number): RotationReason | undefined {
  if (file.records >= limits.maxRecords) return 'records';
  if (file.bytes >= limits.maxBytes) return 'bytes';
  if (nowMs - file.openedAtMs >= limits.intervalMs) return 'time';
  return undefined;
}
