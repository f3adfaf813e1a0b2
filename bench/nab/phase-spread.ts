import { compositeDetector } from '../../streams/detectors/composite.js';
import { type CompositeConfigInput, parseCompositeConfig } from '../../streams/detectors/composite-config.js';
import { runNab } from './run-nab.js';
import type { ProfileName } from './scoring/profiles.js';

/** Normalised scores of one run and their mean over the runs of {@link phaseSpread}. */
export interface PhaseSpread {
  /** Per phase: the three profiles' normalised scores and the standard profile's tp / fp. */
  runs: { phase: number; scores: Record<ProfileName, number>; tp: number; fp: number }[];
  mean: Record<ProfileName, number>;
}

/**
 * Runs NAB once per re-estimation phase of the likelihoods (`likelihood.reestimatePhase`): the
 * same detector with its refresh schedule shifted. NAB's single threshold sits where many events
 * score within a few hundredths of each other, so such a shift moves the total by a point or two;
 * the mean over phases says more about a change than one run does.
 *
 * @example phaseSpread({ dataDir, windowsFile }, {}, [0, 25, 50, 75]).mean.standard
 */
export function phaseSpread(
  files: { dataDir: string; windowsFile: string },
  input: CompositeConfigInput,
  phases: number[],
): PhaseSpread {
  const base = parseCompositeConfig(input);
  const runs = phases.map((phase) => {
    const config = { ...base, likelihood: { ...base.likelihood, reestimatePhase: phase } };
    const { scores } = runNab({ ...files, name: 'phase', detector: compositeDetector(config) as never });
    return {
      phase,
      scores: {
        standard: scores.standard.normalized,
        reward_low_FP_rate: scores.reward_low_FP_rate.normalized,
        reward_low_FN_rate: scores.reward_low_FN_rate.normalized,
      },
      tp: scores.standard.tp,
      fp: scores.standard.fp,
    };
  });
  const mean = (p: ProfileName) => runs.reduce((s, r) => s + r.scores[p], 0) / runs.length;
  return {
    runs,
    mean: {
      standard: mean('standard'),
      reward_low_FP_rate: mean('reward_low_FP_rate'),
      reward_low_FN_rate: mean('reward_low_FN_rate'),
    },
  };
}
