import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { KafkaErrorCodes } from '../kafka-error.js';
import { fromRdkafkaError } from './errors.js';

const require = createRequire(import.meta.url);
const LibrdKafkaError = require('node-rdkafka/lib/error.js') as {
  create(e: {
    code: number;
    message: string;
    isFatal?: boolean;
    isRetriable?: boolean;
    isTxnRequiresAbort?: boolean;
  }): Error;
};

describe('fromRdkafkaError', () => {
  it('names broker errors after Kafka, retriable from the Kafka error table', () => {
    const exists = fromRdkafkaError(
      LibrdKafkaError.create({ code: 36, message: 'Broker: Topic already exists' }),
      'admin',
    );
    expect(exists.code).toBe(KafkaErrorCodes.TOPIC_ALREADY_EXISTS);
    expect(exists.retriable).toBe(false);
    expect(exists.context).toMatchObject({ backend: 'rdkafka', operation: 'admin', kafkaCode: 36 });
    expect(fromRdkafkaError(LibrdKafkaError.create({ code: 14, message: 'loading' }), 'x').retriable).toBe(true);
  });

  it("prefers librdkafka's own flags", () => {
    const e = fromRdkafkaError(
      LibrdKafkaError.create({ code: 14, message: 'loading', isRetriable: false, isTxnRequiresAbort: true }),
      'transaction.commit',
    );
    expect(e.retriable).toBe(false);
    expect(e.context.abortable).toBe(true);
    const fatal = fromRdkafkaError(LibrdKafkaError.create({ code: -195, message: 'transport', isFatal: true }), 'x');
    expect(fatal.retriable).toBe(false);
    expect(fatal.context.fatal).toBe(true);
  });

  it('maps local errors by name, transient ones retriable', () => {
    const transport = fromRdkafkaError(
      LibrdKafkaError.create({ code: -195, message: 'Local: Broker transport failure' }),
      'x',
    );
    expect(transport.code).toBe('KAFKA_CLIENT_TRANSPORT');
    expect(transport.retriable).toBe(true);
    const state = fromRdkafkaError(LibrdKafkaError.create({ code: -172, message: 'Local: Erroneous state' }), 'x');
    expect(state.code).toBe('KAFKA_CLIENT_STATE');
    expect(state.retriable).toBe(false);
  });

  it('reports fencing as PRODUCER_FENCED', () => {
    for (const code of [-144, 47, 90]) {
      const e = fromRdkafkaError(LibrdKafkaError.create({ code, message: 'fenced' }), 'transaction.commit');
      expect(e.code).toBe(KafkaErrorCodes.PRODUCER_FENCED);
      expect(e.retriable).toBe(false);
    }
  });
});
