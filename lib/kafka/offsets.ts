/** Offsets are int64 decimal strings; these helpers keep the arithmetic exact. */

/** The offset after `offset` (what to commit once `offset` is processed). */
export function nextOffset(offset: string | number): string {
  return (BigInt(offset) + 1n).toString();
}

/** Negative, zero or positive as `a` is before, at or after `b`. */
export function compareOffsets(a: string, b: string): number {
  const d = BigInt(a) - BigInt(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}
