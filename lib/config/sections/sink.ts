import { z } from 'zod';
import { duration, secret, topicName } from '../zod-helpers.js';

/**
 * `sink:` the InfluxDB sink: where (v1 or v2 API), how (batching, retries), what (topics, tags).
 *
 * @example
 *   sink: { influx: { url: '${INFLUX_URL}', api: v2, bucket: telemetry/autogen, token: '${INFLUX_TOKEN}' }, batchSize: 5000 }
 */
export const sinkSection = z
  .object({
    influx: z
      .object({
        url: z
          .url({ error: 'expected the http(s) URL of InfluxDB' })
          .default('http://127.0.0.1:8086')
          .describe('InfluxDB URL.'),
        api: z
          .enum(['v1', 'v2'])
          .default('v2')
          .describe('v1: /write?db= ; v2: /api/v2/write (InfluxDB 2.x/3.x, 1.8 compat).'),
        db: z.string().min(1).optional().describe('Database (v1 API).'),
        retentionPolicy: z
          .string()
          .min(1)
          .optional()
          .describe('Retention policy (v1 API); default: the database default.'),
        bucket: z.string().min(1).optional().describe('Bucket (v2 API; on 1.8: database/retention-policy).'),
        org: z.string().default('-').describe('Organization (v2 API; 1.8 ignores it).'),
        // biome-ignore lint/suspicious/noTemplateCurlyInString: documents the ${VAR} syntax
        token: secret().optional().describe('API token (v2; on 1.8: user:password). Secret: write ${ENV_VAR}.'),
        username: z.string().optional().describe('User (v1 API with auth).'),
        // biome-ignore lint/suspicious/noTemplateCurlyInString: documents the ${VAR} syntax
        password: secret().optional().describe('Password (v1 API). Secret: write ${ENV_VAR}.'),
      })
      .strict()
      .prefault({})
      .describe('InfluxDB connection.'),
    groupId: z.string().min(1).default('iotp-influxdb-sink').describe('Consumer group of the sink workers.'),
    topics: z
      .array(topicName())
      .optional()
      .describe('Topics to write; default: every window topic, anomalies and device status.'),
    topicPrefix: z
      .string()
      .default('telemetry.')
      .describe('Prefix stripped from topic names to make measurement names.'),
    batchSize: z.number().int().min(1).max(1_000_000).default(5000).describe('Points per write request (at most).'),
    linger: duration().prefault('1s').describe('Longest a point waits for its batch to fill.'),
    maxBufferedPoints: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe(
        'Points held in memory at most (decoded, not yet written); past it the sink pauses its partitions. Default: 10 x batchSize, at least 50000.',
      ),
    lagInterval: duration()
      .prefault('5s')
      .describe('How often the sink reads its consumer lag from the broker (at least 100ms).'),
    shutdownFlush: duration()
      .prefault('10s')
      .describe(
        'On SIGTERM, how long the last flush may retry before giving up (what is not committed is read again).',
      ),
    sessionTimeout: duration()
      .prefault('30s')
      .describe('Consumer group session timeout: how long a crashed replica keeps its partitions (at least 6s).'),
    retries: z
      .object({
        max: z
          .number()
          .int()
          .min(0)
          .default(10)
          .describe('Retries of a failed write before the worker stops (5xx, timeouts).'),
        initialBackoff: duration().prefault('200ms').describe('First retry delay (doubles, with jitter).'),
        maxBackoff: duration().prefault('30s').describe('Largest retry delay.'),
      })
      .strict()
      .prefault({})
      .describe('Retries with exponential backoff.'),
    tags: z
      .record(z.string(), z.string())
      .default({})
      .describe('Static tags added to every point, e.g. { env: prod }.'),
    extraTags: z
      .array(z.string().min(1))
      .default([])
      .describe('Record string fields written as tags besides deviceId and site (low cardinality only).'),
  })
  .strict()
  .prefault({})
  .describe('InfluxDB sink.');

export type SinkSection = z.output<typeof sinkSection>;
