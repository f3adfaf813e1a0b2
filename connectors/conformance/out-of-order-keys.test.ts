import { describe, expect, it } from 'vitest';
import { outOfOrderKeys } from './connector-conformance.js';

describe('outOfOrderKeys', () => {
  const fed = ['a1', 'b1', 'a2', 'b2', 'a3'];
  it('accepts per-key order whatever the interleaving across keys', () => {
    const got = [
      { key: 'b', id: 'b1' },
      { key: 'b', id: 'b2' },
      { key: 'a', id: 'a1' },
      { key: 'a', id: 'a2' },
      { key: 'a', id: 'a3' },
    ];
    expect(outOfOrderKeys(got, fed)).toEqual([]);
  });
  it('ignores redelivered duplicates but flags a key whose first occurrences are reordered', () => {
    const dup = [
      { key: 'a', id: 'a1' },
      { key: 'a', id: 'a2' },
      { key: 'a', id: 'a1' },
      { key: 'a', id: 'a3' },
    ];
    expect(outOfOrderKeys(dup, fed)).toEqual([]);
    const swapped = [
      { key: 'a', id: 'a2' },
      { key: 'a', id: 'a1' },
      { key: 'b', id: 'b1' },
    ];
    expect(outOfOrderKeys(swapped, fed)).toEqual(['a']);
  });
});
