/**
 * The offset to commit for a partition (the next to read): everything before the first row still
 * held in an open file, and at most what was processed. Undefined when it would not advance past
 * what is already committed. Pure.
 *
 * @example
 *   commitOffsetFor({ processedNext: 120n, lowestOpen: 100n, committed: 90n }) // 100n
 *   commitOffsetFor({ processedNext: 120n, lowestOpen: undefined, committed: 120n }) // undefined
 */
export function commitOffsetFor(p: {
  processedNext: bigint;
  lowestOpen: bigint | undefined;
  committed: bigint | undefined;
}): bigint | undefined {
  const next = p.lowestOpen !== undefined && p.lowestOpen < p.processedNext ? p.lowestOpen : p.processedNext;
  return p.committed === undefined || next > p.committed ? next : undefined;
}
