import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// kafkajs' own module, as the producer calls it (patches/kafkajs+2.2.4.patch makes it linear).
const require = createRequire(import.meta.url);
type Group = (args: {
  topic: string;
  partitionMetadata: unknown[];
  messages: { key: string }[];
  partitioner: (a: { message: { key: string } }) => number;
}) => Record<number, { key: string }[]>;
const groupMessagesPerPartition = require('kafkajs/src/producer/groupMessagesPerPartition.js') as Group;

describe('kafkajs groupMessagesPerPartition (patched: linear)', () => {
  it('is the patched version', () => {
    expect(String(groupMessagesPerPartition)).not.toContain('[...current, message]');
  });

  it('groups by partition keeping each partition in send order', () => {
    const messages = Array.from({ length: 10 }, (_, i) => ({ key: `k${i}` }));
    const groups = groupMessagesPerPartition({
      topic: 't',
      partitionMetadata: [{}, {}, {}],
      messages,
      partitioner: ({ message }) => Number(message.key.slice(1)) % 3,
    });
    expect(groups).toEqual({
      0: [{ key: 'k0' }, { key: 'k3' }, { key: 'k6' }, { key: 'k9' }],
      1: [{ key: 'k1' }, { key: 'k4' }, { key: 'k7' }],
      2: [{ key: 'k2' }, { key: 'k5' }, { key: 'k8' }],
    });
    expect(groupMessagesPerPartition({ topic: 't', partitionMetadata: [], messages, partitioner: () => 0 })).toEqual(
      {},
    );
  });
});
