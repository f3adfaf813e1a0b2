import { createRequire } from 'node:module';
import type { Message, PartitionMetadata } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { murmur2 } from '../murmur2.js';
import { recordingPartitioner } from './partitioner.js';

const require = createRequire(import.meta.url);
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: unknown) => number;

const metadata = (n: number): PartitionMetadata[] =>
  Array.from({ length: n }, (_, partitionId) => ({
    partitionId,
    partitionErrorCode: 0,
    leader: 1,
    replicas: [1],
    isr: [1],
    offlineReplicas: [],
  }));

describe('recordingPartitioner', () => {
  it("hashes keys exactly as kafkajs' murmur2 does (strings, buffers, every length mod 4, non-ASCII)", () => {
    const keys: Array<string | Buffer> = [
      '',
      'a',
      'ab',
      'abc',
      'abcd',
      'device-17',
      'é€😀',
      Buffer.from([0xff, 0x80, 0, 1, 2]),
    ];
    for (let i = 0; i < 2000; i++) keys.push(`dev-${i}-${'x'.repeat(i % 7)}`);
    for (const key of keys) {
      const bytes = Buffer.isBuffer(key) ? key : Buffer.from(key);
      expect(murmur2(bytes)).toBe(kafkajsMurmur2(key));
    }
  });

  it("picks kafkajs' DefaultPartitioner's partition for keyed records, keeps a message's first choice, honours an explicit partition", () => {
    const chosen = new WeakMap<Message, number>();
    const ours = recordingPartitioner(chosen)();
    const theirs = Partitioners.DefaultPartitioner();
    for (const n of [1, 3, 4, 12]) {
      for (let i = 0; i < 500; i++) {
        const key = i % 2 === 0 ? `dev-${i}` : Buffer.from(`dev-${i}`);
        const args = { topic: 't', partitionMetadata: metadata(n), message: { key, value: null } };
        expect(ours(args)).toBe(theirs(args));
      }
    }
    const message: Message = { key: 'k', value: null };
    const first = ours({ topic: 't', partitionMetadata: metadata(12), message });
    expect(chosen.get(message)).toBe(first);
    expect(ours({ topic: 't', partitionMetadata: metadata(12), message })).toBe(first);
    expect(ours({ topic: 't', partitionMetadata: metadata(4), message: { key: 'k', value: null, partition: 3 } })).toBe(
      3,
    );
    const keyless = ours({ topic: 't', partitionMetadata: metadata(4), message: { key: null, value: null } });
    expect(keyless).toBeGreaterThanOrEqual(0);
    expect(keyless).toBeLessThan(4);
  });
});
