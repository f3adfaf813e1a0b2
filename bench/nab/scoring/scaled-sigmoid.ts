/**
 * NAB's scaled sigmoid of a relative position: `2 * sigmoid(-5 * x) - 1`, and exactly -1 from
 * x >= 3 on. x = -1 is a window's left edge (0.9866), 0 its right edge (0), x > 0 lies past it.
 *
 * @example scaledSigmoid(-0.5) // 0.8483
 */
export function scaledSigmoid(position: number): number {
  if (position >= 3) return -1;
  return 2 / (1 + Math.exp(5 * position)) - 1;
}

/** The value at a window's left edge, by which true positives are divided so that the earliest is worth 1. */
export const MAX_TP = scaledSigmoid(-1);
