import type { Producer as RdProducer } from 'node-rdkafka';
import type { Logger } from 'pino';
import { IotpError } from '../../errors.js';
import { KafkaErrorCodes } from '../kafka-error.js';
import type {
  Consumer,
  KafkaClientConfig,
  ProducerRecord,
  RecordMetadata,
  TopicPartitionOffset,
  TransactionalProducer,
  TransactionalProducerOptions,
} from '../types.js';
import { RdkafkaConsumer } from './consumer.js';
import { Deliveries } from './deliveries.js';
import { rdkafkaCall } from './errors.js';
import { loadRdkafka } from './load.js';
import { rdkafkaBaseConfig, rdkafkaCompression, routeRdkafkaLogs } from './options.js';
import { RDKAFKA_PARTITIONER } from './producer.js';

const TX_TIMEOUT_MS = 30_000;

/**
 * Transactional producer on node-rdkafka: initTransactions at connect (fencing older producers with
 * the same transactional.id), then beginTransaction / produce / sendOffsetsToTransaction with the
 * rdkafka consumer (its group metadata lets the coordinator fence stale members) / commit or abort.
 */
export class RdkafkaTransactionalProducer implements TransactionalProducer {
  private readonly producer: RdProducer;
  private readonly deliveries: Deliveries;
  private readonly context: { transactionalId: string };
  private open = false;

  constructor(config: KafkaClientConfig, options: TransactionalProducerOptions, log: Logger) {
    const rd = loadRdkafka();
    this.context = { transactionalId: options.transactionalId };
    this.producer = new rd.Producer(
      {
        ...rdkafkaBaseConfig(config, log),
        'transactional.id': options.transactionalId,
        'transaction.timeout.ms': options.transactionTimeoutMs ?? 60_000,
        'enable.idempotence': true,
        'linger.ms': options.lingerMs ?? 5,
        'compression.codec': rdkafkaCompression(options.compression),
        dr_cb: true,
      },
      { partitioner: RDKAFKA_PARTITIONER, acks: -1 },
    );
    routeRdkafkaLogs(this.producer, log);
    this.deliveries = new Deliveries(this.producer, 'transaction.send');
  }

  async connect(): Promise<void> {
    await rdkafkaCall('transaction.connect', (cb) => this.producer.connect({}, cb), this.context);
    await rdkafkaCall('transaction.init', (cb) => this.producer.initTransactions(TX_TIMEOUT_MS, cb), this.context);
  }

  async begin(): Promise<void> {
    if (this.open) throw this.stateError('begin: a transaction is already open');
    await rdkafkaCall('transaction.begin', (cb) => this.producer.beginTransaction(cb), this.context);
    this.open = true;
  }

  send(records: ProducerRecord[]): Promise<RecordMetadata[]> {
    if (!this.open) return Promise.reject(this.stateError('send: no open transaction (call begin first)'));
    return this.deliveries.send(records);
  }

  async sendOffsets(consumer: Consumer, offsets: TopicPartitionOffset[]): Promise<void> {
    if (!this.open) throw this.stateError('sendOffsets: no open transaction (call begin first)');
    if (!(consumer instanceof RdkafkaConsumer))
      throw new IotpError(KafkaErrorCodes.BACKEND_MISMATCH, 'sendOffsets needs a consumer of the rdkafka backend', {
        context: { backend: 'rdkafka', ...this.context },
      });
    const native = offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: Number(o.offset) }));
    await rdkafkaCall(
      'transaction.sendOffsets',
      (cb) => this.producer.sendOffsetsToTransaction(native, consumer.native, TX_TIMEOUT_MS, cb),
      { ...this.context, groupId: consumer.groupId },
    );
  }

  commit(): Promise<void> {
    return this.end('commit');
  }

  abort(): Promise<void> {
    return this.end('abort');
  }

  async disconnect(): Promise<void> {
    this.open = false;
    if (this.producer.isConnected())
      await rdkafkaCall('transaction.disconnect', (cb) => this.producer.disconnect(cb), this.context);
    this.deliveries.close();
  }

  private async end(how: 'commit' | 'abort'): Promise<void> {
    if (!this.open) throw this.stateError(`${how}: no open transaction (call begin first)`);
    try {
      await rdkafkaCall(
        `transaction.${how}`,
        (cb) =>
          how === 'commit'
            ? this.producer.commitTransaction(TX_TIMEOUT_MS, cb)
            : this.producer.abortTransaction(TX_TIMEOUT_MS, cb),
        this.context,
      );
      this.open = false;
    } catch (e) {
      // A commit that librdkafka says must be aborted leaves the transaction open for `abort`.
      if (!(e instanceof IotpError && how === 'commit' && e.context.abortable === true)) this.open = false;
      throw e;
    }
  }

  private stateError(message: string): IotpError {
    return new IotpError(KafkaErrorCodes.INVALID_STATE, message, { context: { backend: 'rdkafka', ...this.context } });
  }
}
