import { z } from 'zod';
import { duration } from '../zod-helpers.js';

const confidence = () =>
  z
    .number()
    .gt(50)
    .lt(100)
    .describe('Two-sided confidence in % that a flagged value is not normal noise (higher: fewer alerts).');

/**
 * `detectors:` per-detector sensitivity, with shared defaults. Every detector runs per device and
 * numeric field (fields come from the schema); `overrides` tune one type or one field.
 *
 * @example
 *   detectors: { spikeDip: { confidence: 99.9 }, missing: { expectedInterval: 30s } }
 */
export const detectorsSection = z
  .object({
    defaults: z
      .object({
        warmup: z
          .number()
          .int()
          .min(1)
          .default(30)
          .describe('Readings of a series a detector learns from before it may flag anything.'),
        cooldown: duration()
          .prefault('5m')
          .describe('Event time after an anomaly during which the same detector stays quiet for that series.'),
        minScore: z
          .number()
          .min(0)
          .max(1)
          .default(0.5)
          .describe(
            "Anomalies scoring lower are not emitted. A record's combined score is the highest score of its fields' detectors.",
          ),
        stateRetention: duration()
          .prefault('7d')
          .describe("Event time after a device's last reading when its detector state is dropped (bounds the store)."),
        maxDeviceStates: z
          .number()
          .int()
          .min(1)
          .default(30_000)
          .describe(
            'Device states (all reading types and tasks) one detect worker keeps at most: beyond, the least recently updated is evicted and starts learning again (iotp_detect_state_evictions_total). A state is ~10-14 KB per numeric field in memory: 30,000 environment devices (3 fields) take ~1.3 GiB. Size partitions and replicas so a worker stays under it.',
          ),
        snapshotEvery: z
          .number()
          .int()
          .min(1)
          .max(65_534)
          .default(128)
          .describe(
            "A device's detector state is logged whole to its changelog every this many events (readings); only the events in between (about 50 bytes each). Larger: less changelog traffic, longer restores (a restore replays up to this many events per device).",
          ),
      })
      .strict()
      .prefault({})
      .describe('Shared by all detectors.'),
    spikeDip: z
      .object({
        enabled: z
          .boolean()
          .default(false)
          .describe('Run the spike/dip detector (off by default: the combined detector covers spikes and dips).'),
        confidence: confidence().default(99.5),
        history: z.number().int().min(5).max(100_000).default(120).describe('Readings the baseline is computed over.'),
        mode: z.enum(['both', 'spike', 'dip']).default('both').describe('Flag rises, falls or both.'),
      })
      .strict()
      .prefault({})
      .describe('SPIKE / DIP: a value far from the recent baseline.'),
    levelShift: z
      .object({
        enabled: z
          .boolean()
          .default(false)
          .describe('Run the level-shift detector (off by default: the combined detector covers level shifts).'),
        confidence: confidence().default(99),
        window: z.number().int().min(3).max(10_000).default(30).describe('Readings on each side of the change point.'),
      })
      .strict()
      .prefault({})
      .describe('LEVEL_SHIFT: the mean moved and stayed.'),
    stuck: z
      .object({
        enabled: z
          .boolean()
          .default(false)
          .describe('Run the stuck-sensor detector (off by default: the combined detector covers stuck sensors).'),
        repeats: z
          .number()
          .int()
          .min(2)
          .default(20)
          .describe('Consecutive (near) identical readings that make a sensor stuck.'),
        epsilon: z.number().min(0).default(0).describe('Largest difference still counted as identical.'),
      })
      .strict()
      .prefault({})
      .describe('STUCK: the value no longer changes.'),
    outOfRange: z
      .object({
        enabled: z.boolean().default(true).describe('Run the out-of-range detector.'),
        ranges: z
          .record(
            z.string().regex(/^[a-z][a-z0-9-]*\.[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected <type>.<field>' }),
            z.object({ min: z.number().optional(), max: z.number().optional() }).strict(),
          )
          .default({})
          .describe('Bounds by <type>.<field>, overriding the schema doc ranges (range: min..max).'),
      })
      .strict()
      .prefault({})
      .describe('OUT_OF_RANGE: outside the physical range declared in the schema (or here).'),
    missing: z
      .object({
        enabled: z.boolean().default(true).describe('Run the missing-heartbeat detector.'),
        expectedInterval: duration()
          .prefault('1m')
          .describe(
            "How often devices are expected to report, until a device's own interval (median gap of its readings) is learned.",
          ),
        tolerance: z
          .number()
          .min(1)
          .default(3)
          .describe(
            'A device is MISSING after tolerance x its interval of silence, on stream time and on the wall clock (one anomaly per silence; a partition with no input at all waits for streams.idleTimeout).',
          ),
        checkInterval: duration().prefault('10s').describe('How often (wall clock) silence is checked.'),
      })
      .strict()
      .prefault({})
      .describe('MISSING / device OFFLINE: readings stopped.'),
    combined: z
      .object({
        enabled: z
          .boolean()
          .default(true)
          .describe(
            'Run the combined detector on every field: the one `iotp bench nab` scores (shape, regime and daily-profile novelty with anomaly likelihood, stuck runs, range novelty). Its state is ~8 KB per field, journaled (detectors.defaults.snapshotEvery).',
          ),
        threshold: z
          .number()
          .min(0)
          .max(1)
          .optional()
          .describe(
            "Combined score from which a record is an alarm (its alert.threshold); default: the detector's own.",
          ),
        memory: z
          .number()
          .int()
          .min(16)
          .max(32_767)
          .optional()
          .describe(
            "Shapes and regime summaries remembered per series (its shapes[].memory and regime.memory); default: the detector's own.",
          ),
        warmup: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe(
            "Records of a series before it may raise alarms (its alert.warmupRecords); default: the detector's own.",
          ),
      })
      .strict()
      .prefault({})
      .describe(
        'SPIKE / DIP / LEVEL_SHIFT / STUCK from the combined novelty score (detector combined/<channel>): on by default, with the configuration NAB scores.',
      ),
    overrides: z
      .array(
        z
          .object({
            type: z.string().min(1).describe('Reading type the override applies to.'),
            field: z.string().min(1).optional().describe('Field it applies to; omit for every field of the type.'),
            detector: z
              .enum(['spikeDip', 'levelShift', 'stuck', 'outOfRange', 'missing', 'combined'])
              .describe('Detector to tune.'),
            settings: z
              .record(z.string(), z.union([z.number(), z.boolean(), z.string()]))
              .describe('Settings of that detector to replace, e.g. { confidence: 99.9 } or { enabled: false }.'),
          })
          .strict(),
      )
      .default([])
      .describe('Per type or field tuning.'),
  })
  .strict()
  .prefault({})
  .describe('Anomaly detectors.');

export type DetectorsSection = z.output<typeof detectorsSection>;
