import type { Logger } from 'pino';
import { createLogger } from '../../runtime/log.js';
import type {
  Admin,
  Consumer,
  ConsumerOptions,
  KafkaClient,
  KafkaClientConfig,
  Producer,
  ProducerOptions,
  ReplayOptions,
  TransactionalProducer,
  TransactionalProducerOptions,
} from '../types.js';
import { RdkafkaAdminClient } from './admin.js';
import { RdkafkaConsumer } from './consumer.js';
import { loadRdkafka } from './load.js';
import { RdkafkaProducer } from './producer.js';
import { rdkafkaReplay } from './replay.js';
import { RdkafkaTransactionalProducer } from './transactional-producer.js';

/**
 * The node-rdkafka (librdkafka) backend of the Kafka seam. Throws KAFKA_BACKEND_UNAVAILABLE when
 * node-rdkafka is not installed or not built.
 *
 * @example
 *   const client = createRdkafkaClient({ backend: 'rdkafka', clientId: 'x', brokers: ['127.0.0.1:19092'] });
 */
export function createRdkafkaClient(config: KafkaClientConfig): KafkaClient {
  loadRdkafka();
  const log: Logger = (config.logger ?? createLogger('kafka')).child({ kafkaBackend: 'rdkafka' });
  return {
    backend: 'rdkafka',
    producer: (options: ProducerOptions = {}): Producer => new RdkafkaProducer(config, options, log),
    transactionalProducer: (options: TransactionalProducerOptions): TransactionalProducer =>
      new RdkafkaTransactionalProducer(config, options, log),
    consumer: (options: ConsumerOptions): Consumer => new RdkafkaConsumer(config, options, log),
    admin: (): Admin => new RdkafkaAdminClient(config, log),
    replay: (options: ReplayOptions): Promise<void> => rdkafkaReplay(config, options, log),
  };
}
