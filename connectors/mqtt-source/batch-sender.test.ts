import { describe, expect, it } from 'vitest';
import { IotpError } from '../../lib/errors.js';
import type { ProducerRecord } from '../../lib/kafka/types.js';
import { type BatchSenderOptions, createBatchSender } from './batch-sender.js';

const rec = (value: string, topic = 't'): ProducerRecord => ({ topic, key: 'k', value: Buffer.from(value) });

/** A test entry: its name, and its records (or how to get them). */
interface Entry {
  name: string;
  prepare(): ProducerRecord[] | Promise<ProducerRecord[]>;
}

function harness(send: BatchSenderOptions<Entry>['send'], overrides: Partial<BatchSenderOptions<Entry>> = {}) {
  const events: string[] = [];
  const blocked: IotpError[] = [];
  const sender = createBatchSender<Entry>({
    send,
    prepare: (e) => e.prepare(),
    fallback: (e, error) => [rec(`dlq:${e.name}:${error.code}`, 'dlq')],
    done: (e) => events.push(`done ${e.name}`),
    maxBatchMessages: 3,
    retry: { initialMs: 1, maxMs: 4 },
    isPermanent: (e) => !e.retriable,
    onRetry: (e, attempt) => events.push(`retry ${attempt} ${e.code}`),
    onFallback: (e) => events.push(`fallback ${e.code}`),
    onBlocked: (e) => blocked.push(e),
    onUnblocked: () => events.push('unblocked'),
    ...overrides,
  });
  const entry = (name: string, records: ProducerRecord[] = [rec(name)]): Entry => ({ name, prepare: () => records });
  return { sender, events, blocked, entry };
}

describe('createBatchSender', () => {
  it('batches consecutive messages, in order, one send in flight', async () => {
    const sends: string[][] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const { sender, events, entry } = harness(async (records) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      sends.push(records.map((r) => String(r.value)));
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
    });
    for (const name of ['a', 'b', 'c', 'd', 'e']) sender.enqueue(entry(name));
    await sender.idle();
    expect(sends.flat()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(sends[0]).toEqual(['a']); // the loop starts as soon as the first arrives
    expect(sends.every((s) => s.length <= 3)).toBe(true);
    expect(maxInFlight).toBe(1);
    expect(events).toEqual(['done a', 'done b', 'done c', 'done d', 'done e']);
    expect(sender.size).toBe(0);
  });

  it('retries a failing send until Kafka takes it; nothing is done before', async () => {
    let calls = 0;
    const { sender, events, entry } = harness(async () => {
      calls++;
      if (calls <= 3) throw new IotpError('KAFKA_UNAVAILABLE', 'broker down', { retriable: true });
    });
    sender.enqueue(entry('a'));
    await sender.idle();
    expect(events).toEqual([
      'retry 1 KAFKA_UNAVAILABLE',
      'retry 2 KAFKA_UNAVAILABLE',
      'retry 3 KAFKA_UNAVAILABLE',
      'done a',
    ]);
  });

  it('isolates a permanently refused message and dead-letters only it', async () => {
    const written: string[] = [];
    const { sender, events, entry } = harness(async (records) => {
      if (records.some((r) => String(r.value) === 'bad'))
        throw new IotpError('KAFKA_RECORD_TOO_LARGE', 'too large', { retriable: false });
      written.push(...records.map((r) => String(r.value)));
    });
    sender.enqueue(entry('a'));
    await sender.idle();
    sender.enqueue(entry('b'));
    sender.enqueue(entry('bad'));
    sender.enqueue(entry('c'));
    await sender.idle();
    expect(written).toEqual(['a', 'b', 'dlq:bad:KAFKA_RECORD_TOO_LARGE', 'c']);
    expect(events).toEqual(['done a', 'done b', 'fallback KAFKA_RECORD_TOO_LARGE', 'done bad', 'done c']);
  });

  it('an encoder failure that is permanent dead-letters that message', async () => {
    const written: string[] = [];
    const { sender, events, entry } = harness(async (records) => {
      written.push(...records.map((r) => String(r.value)));
    });
    const broken: Entry = {
      name: 'x',
      prepare: async () => {
        throw new IotpError('SERDE_VALIDATION', 'value does not fit', { retriable: false });
      },
    };
    sender.enqueue(broken);
    sender.enqueue(entry('y'));
    await sender.idle();
    expect(written).toEqual(['dlq:x:SERDE_VALIDATION', 'y']);
    expect(events).toEqual(['fallback SERDE_VALIDATION', 'done x', 'done y']);
  });

  it('holds the message when even the dead letter is refused, reports it once, and goes on once Kafka takes it', async () => {
    let refuse = true;
    const sent: string[] = [];
    const { sender, events, blocked, entry } = harness(async (records) => {
      if (refuse) throw new IotpError('KAFKA_TOPIC_AUTHORIZATION', 'denied', { retriable: false });
      sent.push(...records.map((r) => String(r.value)));
    });
    sender.enqueue(entry('a'));
    sender.enqueue(entry('b'));
    await new Promise((r) => setTimeout(r, 40));
    expect(blocked.map((e) => e.code)).toEqual(['KAFKA_TOPIC_AUTHORIZATION']);
    expect(events).toEqual(['fallback KAFKA_TOPIC_AUTHORIZATION']); // nothing done while blocked
    expect(sender.size).toBe(2);
    refuse = false;
    await sender.idle();
    expect(sent).toEqual(['dlq:a:KAFKA_TOPIC_AUTHORIZATION', 'b']);
    expect(events).toEqual(['fallback KAFKA_TOPIC_AUTHORIZATION', 'unblocked', 'done a', 'done b']);
    expect(blocked).toHaveLength(1);
  });

  it('close ends retrying without marking anything done', async () => {
    const { sender, events, entry } = harness(
      async () => {
        throw new IotpError('KAFKA_UNAVAILABLE', 'down', { retriable: true });
      },
      { retry: { initialMs: 50, maxMs: 50 } },
    );
    sender.enqueue(entry('a'));
    await new Promise((r) => setTimeout(r, 20));
    sender.close();
    await sender.idle();
    sender.enqueue(entry('b'));
    expect(events.filter((e) => e.startsWith('done'))).toEqual([]);
    expect(events[0]).toBe('retry 1 KAFKA_UNAVAILABLE');
  });

  it('mixes entries whose records are at hand with ones that must be fetched, in order', async () => {
    const sends: string[][] = [];
    const { sender, events, entry } = harness(async (records) => {
      sends.push(records.map((r) => String(r.value)));
    });
    const later = (name: string): Entry => ({
      name,
      prepare: () => new Promise((resolve) => setTimeout(() => resolve([rec(name)]), 2)),
    });
    sender.enqueue(entry('a'));
    sender.enqueue(entry('b'));
    sender.enqueue(later('c'));
    sender.enqueue(entry('d'));
    sender.enqueue(later('e'));
    sender.enqueue(entry('f'));
    await sender.idle();
    expect(sends.flat()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(events).toEqual(['done a', 'done b', 'done c', 'done d', 'done e', 'done f']);
  });

  it('a retriable failure while fetching records is retried', async () => {
    let attempts = 0;
    const written: string[] = [];
    const { sender, events } = harness(async (records) => {
      written.push(...records.map((r) => String(r.value)));
    });
    sender.enqueue({
      name: 'r',
      prepare: async () => {
        attempts++;
        if (attempts < 3) throw new IotpError('REGISTRY_UNAVAILABLE', 'down', { retriable: true });
        return [rec('r')];
      },
    });
    await sender.idle();
    expect(written).toEqual(['r']);
    expect(events).toEqual(['retry 1 REGISTRY_UNAVAILABLE', 'retry 2 REGISTRY_UNAVAILABLE', 'done r']);
  });

  it('messages with no records are done in their turn', async () => {
    const { sender, events, entry } = harness(async () => {});
    sender.enqueue(entry('a', []));
    sender.enqueue(entry('b'));
    await sender.idle();
    expect(events).toEqual(['done a', 'done b']);
  });
});
