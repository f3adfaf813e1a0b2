import { kafkaConfigFromEnv } from '../../../lib/kafka/config-from-env.js';
import { createKafkajsClient } from '../../../lib/kafka/kafkajs/client.js';
import type { KafkaClient } from '../../../lib/kafka/types.js';

/**
 * The Kafka client of a streams worker from its environment (KAFKA_BACKEND, KAFKA_BROKERS, ...).
 * The rdkafka backend is loaded lazily so a worker on kafkajs never loads the native module.
 */
export async function kafkaClientFromEnv(
  env: Record<string, string | undefined>,
  clientId: string,
): Promise<KafkaClient> {
  const config = kafkaConfigFromEnv(env, { clientId });
  if (config.backend === 'kafkajs') return createKafkajsClient(config);
  const index = '../../../lib/kafka/index.js';
  const mod = (await import(index)) as { createKafkaClient(c: typeof config): KafkaClient };
  return mod.createKafkaClient(config);
}
