import { z } from 'zod';
import { secret, stringList, topicName } from '../zod-helpers.js';

/**
 * `kafka:` where the brokers are, which client backend, and the names and sizes of the shared
 * topics. Reading topics come from `routes`, window topics from `streams.windows`.
 *
 * @example
 *   kafka: { brokers: '${KAFKA_BROKERS}', topics: { partitions: 8 } }
 */
export const kafkaSection = z
  .object({
    brokers: stringList()
      .refine((list) => list.length > 0, { error: 'expected at least one host:port' })
      .prefault('127.0.0.1:9092')
      .describe('Bootstrap brokers: host:port, a list or a comma-separated string.'),
    clientId: z.string().min(1).default('iotp').describe('Kafka client id prefix (workers append their role).'),
    backend: z
      .enum(['kafkajs', 'rdkafka'])
      .default('kafkajs')
      .describe('Kafka client backend: kafkajs (pure JS) or rdkafka (librdkafka via node-rdkafka).'),
    ssl: z
      .object({
        caFile: z.string().optional().describe('PEM file of the CA that signed the brokers certificates.'),
        rejectUnauthorized: z.boolean().default(true).describe('Verify the brokers certificates.'),
      })
      .strict()
      .optional()
      .describe('TLS to the brokers; omit for PLAINTEXT.'),
    sasl: z
      .object({
        mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).describe('SASL mechanism.'),
        username: z.string().min(1).describe('SASL user.'),
        // biome-ignore lint/suspicious/noTemplateCurlyInString: documents the ${VAR} syntax
        password: secret().describe('SASL password (secret: write ${ENV_VAR} in the YAML).'),
      })
      .strict()
      .optional()
      .describe('SASL authentication; omit for none.'),
    topics: z
      .object({
        dlq: topicName()
          .default('telemetry.dlq')
          .describe('Dead-letter topic: undecodable or rejected records, bytes untouched.'),
        anomalies: topicName().default('telemetry.anomalies').describe('Anomalies found by the detectors.'),
        deviceStatus: topicName()
          .default('telemetry.device-status')
          .describe('Device ONLINE/OFFLINE status (compacted).'),
        partitions: z
          .number()
          .int()
          .min(1)
          .max(10_000)
          .default(4)
          .describe('Partitions of topics the pipeline creates: the unit of parallelism.'),
        replicationFactor: z.number().int().min(1).default(1).describe('Replication factor of created topics.'),
      })
      .strict()
      .prefault({})
      .describe('Shared topics.'),
  })
  .strict()
  .prefault({})
  .describe('Kafka brokers, client and shared topics.');

export type KafkaSection = z.output<typeof kafkaSection>;
