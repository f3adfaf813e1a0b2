import type { Kafka, Message, Producer as NativeProducer, Transaction } from 'kafkajs';
import { type ErrorContext, IotpError } from '../../errors.js';
import { KafkaErrorCodes } from '../kafka-error.js';
import type {
  Consumer,
  ProducerRecord,
  RecordMetadata,
  TopicPartitionOffset,
  TransactionalProducer,
  TransactionalProducerOptions,
} from '../types.js';
import { kafkajsCall } from './errors.js';
import { kafkajsCompression } from './options.js';
import { recordingPartitioner } from './partitioner.js';
import { RecordSender } from './record-sender.js';

/**
 * Transactional producer on kafkajs. kafkajs initialises the transactional producer id lazily (at
 * the first `transaction()`), so `connect` opens and drops an empty transaction (no broker round trip
 * but InitProducerId) to fence any older producer with the same transactional.id right away.
 */
export class KafkajsTransactionalProducer implements TransactionalProducer {
  private readonly producer: NativeProducer;
  private readonly chosen = new WeakMap<Message, number>();
  private readonly compression: 0 | 1;
  private readonly context: { transactionalId: string };
  private tx: { transaction: Transaction; sender: RecordSender } | undefined;
  /** Once fenced, every later call fails the same way (kafkajs would report a state error). */
  private fenced: IotpError | undefined;

  constructor(kafka: Kafka, options: TransactionalProducerOptions) {
    this.compression = kafkajsCompression(options.compression);
    this.context = { transactionalId: options.transactionalId };
    this.producer = kafka.producer({
      transactionalId: options.transactionalId,
      transactionTimeout: options.transactionTimeoutMs ?? 60_000,
      // The transaction's own sends are idempotent; `idempotent` here would only add a useless
      // non-transactional producer id.
      idempotent: false,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: recordingPartitioner(this.chosen),
      retry: { retries: 5 },
    });
  }

  connect(): Promise<void> {
    return this.call(
      'transaction.init',
      async () => {
        await this.producer.connect();
        const empty = await this.producer.transaction();
        await empty.abort();
      },
      this.context,
    );
  }

  begin(): Promise<void> {
    return this.call(
      'transaction.begin',
      async () => {
        if (this.tx) throw this.stateError('begin: a transaction is already open');
        const transaction = await this.producer.transaction();
        const sender = new RecordSender(
          (topicMessages) => transaction.sendBatch({ topicMessages, acks: -1, compression: this.compression }),
          this.chosen,
          0,
        );
        this.tx = { transaction, sender };
      },
      this.context,
    );
  }

  send(records: ProducerRecord[]): Promise<RecordMetadata[]> {
    return this.call('transaction.send', () => this.open('send').sender.send(records), this.context);
  }

  sendOffsets(consumer: Consumer, offsets: TopicPartitionOffset[]): Promise<void> {
    return this.call(
      'transaction.sendOffsets',
      () => {
        const topics = new Map<string, { partition: number; offset: string }[]>();
        for (const o of offsets) {
          const list = topics.get(o.topic) ?? [];
          list.push({ partition: o.partition, offset: o.offset });
          topics.set(o.topic, list);
        }
        return this.open('sendOffsets').transaction.sendOffsets({
          consumerGroupId: consumer.groupId,
          topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
        });
      },
      { ...this.context, groupId: consumer.groupId },
    );
  }

  commit(): Promise<void> {
    return this.end('commit');
  }

  abort(): Promise<void> {
    return this.end('abort');
  }

  disconnect(): Promise<void> {
    this.tx = undefined;
    return kafkajsCall('transaction.disconnect', () => this.producer.disconnect(), this.context);
  }

  private async end(how: 'commit' | 'abort'): Promise<void> {
    const tx = this.open(how);
    this.tx = undefined;
    await this.call(`transaction.${how}`, () => tx.transaction[how](), this.context);
  }

  private async call<T>(operation: string, fn: () => Promise<T>, context: ErrorContext): Promise<T> {
    if (this.fenced) throw this.fenced;
    try {
      return await kafkajsCall(operation, fn, context);
    } catch (e) {
      if (e instanceof IotpError && e.code === KafkaErrorCodes.PRODUCER_FENCED) this.fenced = e;
      throw e;
    }
  }

  private open(what: string): { transaction: Transaction; sender: RecordSender } {
    if (!this.tx) throw this.stateError(`${what}: no open transaction (call begin first)`);
    return this.tx;
  }

  private stateError(message: string): IotpError {
    return new IotpError(KafkaErrorCodes.INVALID_STATE, message, { context: { backend: 'kafkajs', ...this.context } });
  }
}
