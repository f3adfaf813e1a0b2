const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/**
 * Parses `500ms`, `30s`, `1m`, `1.5h`, `1d` (or a plain number of ms) to milliseconds; undefined
 * when it is not a duration.
 *
 * @example parseDuration('1m30s') // undefined (one unit only); parseDuration('90s') // 90000
 */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const m = DURATION_RE.exec(value.trim());
  if (!m?.[1] || !m[2]) return undefined;
  const ms = Number(m[1]) * (UNITS[m[2]] ?? Number.NaN);
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

/**
 * The shortest exact spelling of a duration: 60000 -> `1m`, 90000 -> `90s`, 1500 -> `1500ms`.
 *
 * @example formatDuration(3_600_000) // '1h'
 */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNITS[unit] as number;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
