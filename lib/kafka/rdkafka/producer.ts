import type { Producer as RdProducer } from 'node-rdkafka';
import type { Logger } from 'pino';
import type { KafkaClientConfig, Producer, ProducerOptions, ProducerRecord, RecordMetadata } from '../types.js';
import { Deliveries } from './deliveries.js';
import { rdkafkaCall } from './errors.js';
import { loadRdkafka } from './load.js';
import { rdkafkaBaseConfig, rdkafkaCompression, routeRdkafkaLogs } from './options.js';

/** Java-compatible partitioning: murmur2 of the key; key-less records go to a random partition. */
export const RDKAFKA_PARTITIONER = 'murmur2_random';

/** Idempotent (acks=all) producer on node-rdkafka. */
export class RdkafkaProducer implements Producer {
  private readonly producer: RdProducer;
  private readonly deliveries: Deliveries;

  constructor(config: KafkaClientConfig, options: ProducerOptions, log: Logger) {
    const rd = loadRdkafka();
    const idempotent = options.idempotent ?? true;
    this.producer = new rd.Producer(
      {
        ...rdkafkaBaseConfig(config, log),
        'enable.idempotence': idempotent,
        'linger.ms': options.lingerMs ?? 5,
        'compression.codec': rdkafkaCompression(options.compression),
        dr_cb: true,
      },
      { partitioner: RDKAFKA_PARTITIONER, acks: -1 },
    );
    routeRdkafkaLogs(this.producer, log);
    this.deliveries = new Deliveries(this.producer, 'producer.send');
  }

  async connect(): Promise<void> {
    await rdkafkaCall('producer.connect', (cb) => this.producer.connect({}, cb));
  }

  send(records: ProducerRecord[]): Promise<RecordMetadata[]> {
    return this.deliveries.send(records);
  }

  async disconnect(): Promise<void> {
    if (this.producer.isConnected()) {
      await rdkafkaCall('producer.flush', (cb) => this.producer.flush(30_000, cb));
      await rdkafkaCall('producer.disconnect', (cb) => this.producer.disconnect(cb));
    }
    this.deliveries.close();
  }
}
