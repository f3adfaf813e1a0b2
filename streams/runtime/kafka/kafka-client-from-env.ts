import { createKafkaClient, kafkaConfigFromEnv } from '../../../lib/kafka/index.js';
import type { KafkaClient } from '../../../lib/kafka/types.js';

/** The Kafka client of a streams worker from its environment (KAFKA_BACKEND, KAFKA_BROKERS, ...). */
export async function kafkaClientFromEnv(
  env: Record<string, string | undefined>,
  clientId: string,
): Promise<KafkaClient> {
  return createKafkaClient(kafkaConfigFromEnv(env, { clientId }));
}
