/**
 * The Kafka seam's entry point: `createKafkaClient(config)` picks the backend; everything else in
 * the project imports the types from here and never a Kafka library directly.
 *
 * @example
 *   const client = kafkaClientFrom(config, 'aggregator'); // lib/clients: from the pipeline YAML
 *   const producer = client.producer();
 *   await producer.connect();
 *   await producer.send([{ topic: 'telemetry.temperature', key: 'dev-1', value: bytes, timestamp: ts }]);
 */
import { createKafkajsClient } from './kafkajs/client.js';
import { createRdkafkaClient } from './rdkafka/client.js';
import type { KafkaClient, KafkaClientConfig } from './types.js';

export * from './config-from-env.js';
export * from './kafka-error.js';
export * from './lag.js';
export * from './murmur2.js';
export * from './offsets.js';
export type * from './types.js';

export function createKafkaClient(config: KafkaClientConfig): KafkaClient {
  return config.backend === 'rdkafka' ? createRdkafkaClient(config) : createKafkajsClient(config);
}
