import { describe, expect, it } from 'vitest';
import {
  type AbortedFilter,
  assertKafkajsFiltersAbortedTransactions,
  filtersInterleavedAborts,
} from './aborted-filter-check.js';

/** kafkajs 2.2.4's original algorithm: only the head of the marker-ordered list, one per message. */
const unpatched: AbortedFilter = ({ messages, abortedTransactions }) => {
  const remaining = [...abortedTransactions];
  const current = new Set<string>();
  return messages.filter((m) => {
    const head = remaining[0];
    if (head && BigInt(m.offset) >= BigInt(head.firstOffset)) current.add(remaining.shift()!.producerId);
    if (m.isControlRecord) current.delete(m.batchContext.producerId);
    else if (current.has(m.batchContext.producerId) && m.batchContext.inTransaction) return false;
    return true;
  });
};

describe('kafkajs aborted-transaction filter check', () => {
  it('recognises the unpatched algorithm: it leaks B0 and B1', () => {
    expect(filtersInterleavedAborts(unpatched)).toBe(false);
  });

  it('passes for the installed (patched) kafkajs', () => {
    expect(() => assertKafkajsFiltersAbortedTransactions()).not.toThrow();
  });
});
