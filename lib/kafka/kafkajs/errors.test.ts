import { createRequire } from 'node:module';
import { KafkaJSAggregateError, KafkaJSConnectionError, KafkaJSNonRetriableError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { IotpError } from '../../errors.js';
import { KafkaErrorCodes } from '../kafka-error.js';
import { fromKafkajsError } from './errors.js';

const require = createRequire(import.meta.url);
const { createErrorFromCode } = require('kafkajs/src/protocol/error.js') as {
  createErrorFromCode(code: number): Error & { retriable: boolean };
};

describe('fromKafkajsError', () => {
  it('names broker errors after Kafka and keeps kafkajs retriable flag', () => {
    const retriable = fromKafkajsError(createErrorFromCode(14), 'consumer.commit', { groupId: 'g' });
    expect(retriable).toBeInstanceOf(IotpError);
    expect(retriable.code).toBe('KAFKA_GROUP_LOAD_IN_PROGRESS'); // kafkajs' (older Java) name for 14
    expect(retriable.retriable).toBe(true);
    expect(retriable.context).toMatchObject({
      backend: 'kafkajs',
      operation: 'consumer.commit',
      groupId: 'g',
      kafkaCode: 14,
    });
    const fatal = fromKafkajsError(createErrorFromCode(40), 'admin.createTopics');
    expect(fatal.code).toBe('KAFKA_INVALID_CONFIG');
    expect(fatal.retriable).toBe(false);
  });

  it('reports fencing as PRODUCER_FENCED, also for codes kafkajs does not know', () => {
    expect(fromKafkajsError(createErrorFromCode(47), 'transaction.commit').code).toBe(KafkaErrorCodes.PRODUCER_FENCED);
    const unknown = fromKafkajsError(createErrorFromCode(90), 'transaction.commit');
    expect(unknown.code).toBe(KafkaErrorCodes.PRODUCER_FENCED);
    expect(unknown.retriable).toBe(false);
    expect(unknown.context.kafkaCode).toBe(90);
  });

  it('finds the broker error inside a retrier wrapper', () => {
    const inner = createErrorFromCode(3);
    // As kafkajs' retrier bails (its typings omit the options argument the class takes).
    const Wrapper = KafkaJSNonRetriableError as unknown as new (e: Error, o: { cause: Error }) => Error;
    const wrapped = new Wrapper(inner, { cause: inner });
    const e = fromKafkajsError(wrapped, 'producer.send');
    expect(e.code).toBe('KAFKA_UNKNOWN_TOPIC_OR_PARTITION');
    expect(e.retriable).toBe(false);
  });

  it('maps client errors by name and an aggregate by its items', () => {
    const conn = fromKafkajsError(new KafkaJSConnectionError('Connection error: ECONNREFUSED'), 'producer.connect');
    expect(conn.code).toBe('KAFKA_CLIENT_CONNECTION');
    expect(conn.retriable).toBe(true);
    const aggregate = fromKafkajsError(
      new KafkaJSAggregateError('Topic creation errors', [createErrorFromCode(40), createErrorFromCode(37)]),
      'admin.createTopics',
    );
    expect(aggregate.code).toBe('KAFKA_INVALID_CONFIG');
    expect(aggregate.message).toContain('admin.createTopics');
    expect(aggregate.retriable).toBe(false);
  });

  it('passes an IotpError through, adding context', () => {
    const original = new IotpError('X', 'x', { context: { topic: 't' } });
    expect(fromKafkajsError(original, 'op', { partition: 1 }).context).toEqual({ topic: 't', partition: 1 });
  });
});
