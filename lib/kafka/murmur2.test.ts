import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey } from './murmur2.js';

const require = createRequire(import.meta.url);
// kafkajs' own Java-compatible implementation, as an independent reference.
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: Buffer) => number;

describe('murmur2', () => {
  // Vectors from Kafka's UtilsTest.testMurmur2 (clients/src/test/java/org/apache/kafka/common/utils).
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('hashes %s as the Java client does', (input, expected) => {
    expect(murmur2(Buffer.from(input))).toBe(expected);
  });

  it('agrees with kafkajs for keys of every length modulo 4', () => {
    for (let n = 0; n < 40; n++) {
      const key = Buffer.from(`device-${'x'.repeat(n)}-${n}`);
      expect(murmur2(key) & 0x7fffffff).toBe(kafkajsMurmur2(key) & 0x7fffffff);
    }
  });

  it('maps keys to a partition in range', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const p = partitionForKey(`sensor-${i}`, 7);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(7);
      seen.add(p);
    }
    expect(seen.size).toBe(7);
  });
});
