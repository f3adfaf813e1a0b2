import { z } from 'zod';
import { configErrorOf, describeIssues } from '../../lib/config/config-errors.js';

const k = () => z.number().positive().describe('Distance that scores 0.5, in median distances of the series.');

const shapeChannel = z
  .object({
    step: z.number().int().min(1).describe('Records averaged into one point.'),
    length: z.number().int().min(2).max(64).describe('Points per shape.'),
    memory: z.number().int().min(16).max(32_767).default(256).describe('Shapes remembered per series.'),
    k: k().default(3),
  })
  .strict();

/**
 * The combined detector's settings (the one configuration NAB scores). Defaults are the tuned
 * values; every channel can be switched off with `null` (or an empty list for `shapes`).
 *
 * @example compositeConfigSchema.parse({ alert: { threshold: 0.6 } })
 */
export const compositeConfigSchema = z
  .object({
    shapes: z
      .array(shapeChannel)
      .default([{ step: 1, length: 4, memory: 256, k: 3 }])
      .describe('Shape-novelty channels (nearest-neighbour distance of the recent shape), each at its own time scale.'),
    regime: z
      .object({
        scales: z.array(z.number().int().min(2)).min(1).default([16, 64]).describe('Trailing windows summarised.'),
        step: z.number().int().min(1).default(4).describe('Records between summaries.'),
        memory: z.number().int().min(16).max(32_767).default(512).describe('Summaries remembered.'),
        k: k().default(5),
      })
      .strict()
      .nullable()
      .prefault({})
      .describe('Regime novelty: mean and spread over several windows.'),
    profile: z
      .object({
        bins: z.number().int().min(1).max(1440).default(96).describe('Time-of-day bins (UTC).'),
        alpha: z.number().gt(0).max(1).default(0.05).describe('Weight of a new value in its bin mean.'),
        k: k().default(5),
      })
      .strict()
      .nullable()
      .prefault({})
      .describe('Daily profile: distance from the usual value at this time of day.'),
    likelihood: z
      .object({
        averageWindow: z.number().int().min(1).max(1000).default(15),
        learnRecords: z.number().int().min(0).default(200),
        estimateRecords: z.number().int().min(1).default(150),
        reestimateEvery: z.number().int().min(1).default(100),
        reestimatePhase: z
          .number()
          .int()
          .min(0)
          .default(0)
          .describe('Record (modulo reestimateEvery) of each refresh; `bench/nab/phases.ts` varies it.'),
        historyRecords: z.number().int().min(10).default(15000),
        minMean: z.number().min(0).default(0.03),
        minVariance: z
          .number()
          .gt(0)
          .default(0.004)
          .describe(
            'Floor on the variance of the averaged raw score: going red takes a rise of at least ~0.27 (4.26 x 0.063) over its mean, whatever the series (fewer alarms on clean, smooth signals).',
          ),
        red: z
          .number()
          .gt(0.5)
          .lt(1)
          .optional()
          .describe('Likelihood from which a record is red; default 1 - 10^(-10 x alert.threshold) (0.99999 at 0.5).'),
        yellow: z.number().gt(0.5).lt(1).default(0.999),
        rearmBelowYellow: z
          .boolean()
          .default(true)
          .describe(
            'A red run ends only when the likelihood falls below yellow (one alarm for an average that hovers at the red line).',
          ),
      })
      .strict()
      .prefault({})
      .describe('Anomaly likelihood applied to every novelty channel (Numenta-style).'),
    stuck: z
      .object({
        probability: z
          .number()
          .gt(0)
          .lt(1)
          .optional()
          .describe(
            'A run is stuck when its chance is at most this; default 10^(-10 x alert.threshold) (1e-5 at 0.5).',
          ),
        decay: z.number().gt(0).lt(1).default(0.999),
        learnRecords: z.number().int().min(0).default(300),
        tolerance: z.number().min(0).default(0),
        repeats: z.number().int().min(1).default(1),
        opportunities: z
          .boolean()
          .default(true)
          .describe(
            "Judge a run's chance against the records it could have started at (fewer alarms on series that rarely repeat).",
          ),
      })
      .strict()
      .nullable()
      .prefault({})
      .describe('Stuck channel: a run of unchanged values longer than any before and improbable.'),
    range: z
      .object({
        tolerance: z.number().min(0).default(0.03).describe('Excess beyond the learned range, in ranges.'),
        base: z.number().min(0).max(1).default(0.5).describe('Score of a value just beyond the tolerance.'),
        learnRecords: z.number().int().min(0).default(300),
        expansionWeight: z
          .number()
          .min(0)
          .default(0.5)
          .describe(
            'Extra tolerance per recent range expansion: a series that keeps widening its range must go further.',
          ),
        expansionDecay: z.number().gt(0).lt(1).default(0.999).describe('Decay per record of the expansion count.'),
      })
      .strict()
      .nullable()
      .prefault({})
      .describe('Range novelty: a value beyond everything seen so far.'),
    jump: z
      .object({
        alpha: z.number().gt(0).max(1).default(0.3).describe("Level smoothing of the forecast (Holt's alpha)."),
        beta: z.number().min(0).max(1).default(0.1).describe("Slope smoothing of the forecast (Holt's beta)."),
        clip: z.number().gt(0).default(3).describe('Errors beyond this many typical errors move the forecast clipped.'),
        adopt: z
          .number()
          .int()
          .min(1)
          .default(3)
          .describe('Clipped errors in a row of one sign after which the forecast adopts the new level.'),
        u: z.number().gt(0).default(3).describe('Tail threshold, in typical errors (peaks over it model the tail).'),
        scaleMemory: z.number().int().min(1).default(200).describe('Records of memory of the typical error.'),
        rateMemory: z.number().int().min(1).default(2000).describe('Records of memory of the exceedance rate.'),
        excessMemory: z.number().int().min(1).default(100).describe('Exceedances of memory of the mean excess.'),
        learnRecords: z.number().int().min(0).default(100),
      })
      .strict()
      .nullable()
      .prefault({})
      .describe(
        "Jump channel: one record's error against a robust local forecast, against the tail of the series' own errors.",
      ),
    gap: z
      .number()
      .gt(1)
      .default(3)
      .describe(
        'A record more than this many usual intervals after the previous one follows a gap: the forecast and the recent shapes start over (learned memory kept).',
      ),
    alert: z
      .object({
        threshold: z
          .number()
          .min(0)
          .max(1)
          .default(0.5)
          .describe(
            "Score from which a record is an anomaly; also the level the channels' evidence must reach (likelihood.red and stuck.probability default to 1 - 10^(-10 x threshold) and 10^(-10 x threshold)). 0.5 is the configuration NAB scores; 0.6 keeps clean signals under one false alarm in 20,000 records (bench/nab/clean-alarms.ts).",
          ),
        refractoryRecords: z
          .number()
          .int()
          .min(0)
          .default(25)
          .describe(
            'After a score of at least refractoryFrom, records during which a score no higher than it is damped.',
          ),
        damping: z.number().min(0).max(1).default(0.5).describe('Factor applied to damped scores.'),
        warmupRecords: z
          .number()
          .int()
          .min(0)
          .default(100)
          .describe(
            "Records of a series before it may emit anomalies (scores are reported from the start; each channel also waits for its own learning). Short, because the detect step starts a device's detectors over after a silence.",
          ),
      })
      .strict()
      .prefault({})
      .describe('Alerting and the refractory period.'),
  })
  .strict();

export type CompositeConfig = z.output<typeof compositeConfigSchema>;
export type CompositeConfigInput = z.input<typeof compositeConfigSchema>;

/**
 * Validates a composite config; on error a ConfigError naming the first bad key
 * (`detectors.combined.<key>`), the expected value and what was found, listing every problem.
 */
export function parseCompositeConfig(input: unknown = {}, key = 'detectors.combined'): CompositeConfig {
  const result = compositeConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = describeIssues(result.error.issues, input, compositeConfigSchema).map((p) => ({
    key: p.key.startsWith('[') ? `${key}${p.key}` : p.key ? `${key}.${p.key}` : key,
    message: p.message,
  }));
  throw configErrorOf(problems);
}
