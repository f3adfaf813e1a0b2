/**
 * A NAB scoring profile's weights: a first detection inside a window earns up to `tpWeight`, a
 * missed window costs `fnWeight`, a detection outside every window costs up to `fpWeight`.
 *
 * @example const { standard } = NAB_PROFILES; standard.fpWeight // 0.11
 */
export interface CostMatrix {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
}

/** NAB's three published profiles (profiles.json of NAB v1.1). */
export const NAB_PROFILES = {
  standard: { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 },
  reward_low_FP_rate: { tpWeight: 1, fpWeight: 0.22, fnWeight: 1 },
  reward_low_FN_rate: { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 },
} as const satisfies Record<string, CostMatrix>;

export type ProfileName = keyof typeof NAB_PROFILES;
