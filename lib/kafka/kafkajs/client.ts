import { Kafka } from 'kafkajs';
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
import { assertKafkajsFiltersAbortedTransactions } from './aborted-filter-check.js';
import { KafkajsAdminClient } from './admin.js';
import { KafkajsConsumer } from './consumer.js';
import { kafkajsClientConfig } from './options.js';
import { KafkajsProducer } from './producer.js';
import { kafkajsReplay } from './replay.js';
import { KafkajsTransactionalProducer } from './transactional-producer.js';

/**
 * The kafkajs (pure JS) backend of the Kafka seam.
 *
 * @example
 *   const client = createKafkajsClient({ backend: 'kafkajs', clientId: 'x', brokers: ['127.0.0.1:19092'] });
 */
export function createKafkajsClient(config: KafkaClientConfig): KafkaClient {
  assertKafkajsFiltersAbortedTransactions();
  const log: Logger = (config.logger ?? createLogger('kafka')).child({ kafkaBackend: 'kafkajs' });
  const kafka = new Kafka(kafkajsClientConfig(config, log));
  return {
    backend: 'kafkajs',
    producer: (options?: ProducerOptions): Producer => new KafkajsProducer(kafka, options),
    transactionalProducer: (options: TransactionalProducerOptions): TransactionalProducer =>
      new KafkajsTransactionalProducer(kafka, options),
    consumer: (options: ConsumerOptions): Consumer => new KafkajsConsumer(kafka, options, log),
    admin: (): Admin => new KafkajsAdminClient(kafka),
    replay: (options: ReplayOptions): Promise<void> => kafkajsReplay(kafka, options, log),
  };
}
