import type { Kafka, Message, Producer as NativeProducer } from 'kafkajs';
import type { Producer, ProducerOptions, ProducerRecord, RecordMetadata } from '../types.js';
import { kafkajsCall } from './errors.js';
import { kafkajsCompression } from './options.js';
import { recordingPartitioner } from './partitioner.js';
import { RecordSender } from './record-sender.js';

/** Idempotent (acks=all) producer on kafkajs, with the RecordSender's linger and per-record offsets. */
export class KafkajsProducer implements Producer {
  private readonly producer: NativeProducer;
  private readonly sender: RecordSender;

  constructor(kafka: Kafka, options: ProducerOptions = {}) {
    const idempotent = options.idempotent ?? true;
    const compression = kafkajsCompression(options.compression);
    const chosen = new WeakMap<Message, number>();
    this.producer = kafka.producer({
      idempotent,
      allowAutoTopicCreation: false,
      createPartitioner: recordingPartitioner(chosen),
    });
    this.sender = new RecordSender(
      (topicMessages) => this.producer.sendBatch({ topicMessages, acks: -1, compression }),
      chosen,
      options.lingerMs ?? 5,
    );
  }

  connect(): Promise<void> {
    return kafkajsCall('producer.connect', () => this.producer.connect());
  }

  send(records: ProducerRecord[]): Promise<RecordMetadata[]> {
    return kafkajsCall('producer.send', () => this.sender.send(records), { topic: records[0]?.topic });
  }

  disconnect(): Promise<void> {
    return kafkajsCall('producer.disconnect', () => this.producer.disconnect());
  }
}
