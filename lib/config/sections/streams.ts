import { z } from 'zod';
import { duration, topicName } from '../zod-helpers.js';

export const windowEntry = z
  .object({
    size: duration().describe('Window size, aligned to the epoch (tumbling unless hop is set).'),
    grace: duration()
      .prefault('30s')
      .describe('How long after its end a window still accepts late records; later ones go to lateTopic.'),
    hop: duration().optional().describe('Advance of a hopping window (at most size); omit for tumbling windows.'),
    retention: duration().optional().describe('How long window state is kept; at least size + grace (the default).'),
    name: z
      .string()
      .regex(/^[A-Za-z0-9]+$/, { error: 'expected letters and digits, e.g. 1m' })
      .optional()
      .describe('Name in topic names (telemetry.<type>.agg.<name>); default: the size, e.g. 1m.'),
  })
  .strict();

/**
 * `streams:` the stream workers: windows of the aggregator, late data, commit and guarantees.
 *
 * @example
 *   streams: { windows: [{ size: 1m, grace: 10s }, { size: 1h, grace: 2m }], processingGuarantee: exactly_once }
 */
export const streamsSection = z
  .object({
    applicationId: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, { error: 'expected letters, digits, . _ -' })
      .default('iotp-streams')
      .describe('Application id: prefix of consumer groups, transactional ids and changelog topics.'),
    windows: z
      .array(windowEntry)
      .min(1)
      .prefault([
        { size: '1m', grace: '10s' },
        { size: '1h', grace: '2m' },
      ])
      .describe('Event-time windows of the aggregator.'),
    lateTopic: topicName().default('telemetry.late').describe('Records that arrive after their window closed.'),
    dedupe: z
      .boolean()
      .default(true)
      .describe(
        'Count each reading (deviceId, ts) once: the aggregate and detect workers drop a copy of a reading they already processed (the MQTT source is at-least-once: a crash redelivers up to mqtt.maxInFlight readings). Copies are recognized within the largest window size + grace of the latest reading of the device; state ~2 bytes per reading in that span per device (metric iotp_streams_duplicate_readings_total).',
      ),
    idleTimeout: duration()
      .prefault('5m')
      .describe('Wall-clock time after which an input partition with no records stops holding back stream time.'),
    processingGuarantee: z
      .enum(['exactly_once', 'at_least_once'])
      .default('exactly_once')
      .describe('exactly_once: outputs, changelogs and offsets commit in one Kafka transaction.'),
    commitInterval: duration().prefault('1s').describe('How often tasks commit (and a transaction ends).'),
    sessionTimeout: duration()
      .optional()
      .describe(
        "Consumer group session timeout (at least 6s): how long a crashed replica keeps its tasks. Default: the client's (kafkajs 30s, librdkafka 45s).",
      ),
  })
  .strict()
  .prefault({})
  .describe('Stream workers: windows, late data, guarantees.');

export type WindowEntry = z.output<typeof windowEntry>;
export type StreamsSection = z.output<typeof streamsSection>;
