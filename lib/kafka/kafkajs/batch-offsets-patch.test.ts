import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// kafkajs' own Batch, as its consumer builds one per fetched partition (patches/kafkajs+2.2.4.patch:
// offsets compared as decimal strings, not parsed into Longs one by one).
const require = createRequire(import.meta.url);
type BatchClass = new (
  topic: string,
  fetchedOffset: string | number,
  data: { partition: number; highWatermark: string; abortedTransactions: unknown[]; messages: unknown[] },
) => { messages: Array<{ offset: string }> };
const Batch = require('kafkajs/src/consumer/batch.js') as BatchClass;

const batch = (fetched: string | number, offsets: string[]) =>
  new Batch('t', fetched, {
    partition: 0,
    highWatermark: '100',
    abortedTransactions: [],
    messages: offsets.map((offset) => ({ offset, isControlRecord: false })),
  }).messages.map((m) => m.offset);

describe('kafkajs Batch (patched: offsets compared as strings)', () => {
  it('is the patched version', () => {
    expect(readFileSync(require.resolve('kafkajs/src/consumer/batch.js'), 'utf8')).toContain('isCanonical');
  });

  it('drops the records before the fetched offset, as the Long comparison did', () => {
    expect(batch('5', ['3', '4', '5', '6', '10'])).toEqual(['5', '6', '10']);
    expect(batch('10', ['9', '10', '11', '100'])).toEqual(['10', '11', '100']);
    expect(batch('0', ['0', '1'])).toEqual(['0', '1']);
    expect(batch('9223372036854775806', ['9223372036854775805', '9223372036854775806', '9223372036854775807'])).toEqual(
      ['9223372036854775806', '9223372036854775807'],
    );
    // Not canonical strings: through Long, as before.
    expect(batch(5, ['3', '5', '6'])).toEqual(['5', '6']);
    expect(batch('05', ['3', '5', '6'])).toEqual(['5', '6']);
  });
});
