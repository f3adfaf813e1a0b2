import { describe, expect, it } from 'vitest';
import { createAckGate } from './ack-gate.js';

function recording() {
  const sent: string[] = [];
  const flushes: string[][] = [];
  let batch: string[] = [];
  const gate = createAckGate<string>(
    (ack) => {
      sent.push(ack);
      batch.push(ack);
    },
    () => {
      flushes.push(batch);
      batch = [];
    },
  );
  return { gate, sent, flushes };
}

describe('createAckGate', () => {
  it('sends acks in arrival order once each is done, one flush per release', () => {
    const { gate, sent, flushes } = recording();
    const a = gate.add('a');
    const b = gate.add('b');
    const c = gate.add('c');
    gate.done(b);
    gate.done(c);
    expect(sent).toEqual([]);
    expect(gate.pending).toBe(3);
    gate.done(a);
    expect(sent).toEqual(['a', 'b', 'c']);
    expect(flushes).toEqual([['a', 'b', 'c']]);
    expect(gate.pending).toBe(0);
  });

  it('holds a later ack while an earlier message is still in Kafka flight', () => {
    const { gate, sent, flushes } = recording();
    const tickets = ['0', '1', '2'].map((i) => gate.add(i));
    gate.done(tickets[0]!);
    gate.done(tickets[2]!);
    expect(sent).toEqual(['0']);
    gate.done(tickets[1]!);
    expect(sent).toEqual(['0', '1', '2']);
    expect(flushes).toEqual([['0'], ['1', '2']]);
  });

  it('a ticket done twice is acked once', () => {
    const { gate, sent } = recording();
    const a = gate.add('a');
    const b = gate.add('b');
    gate.done(a);
    gate.done(a);
    gate.done(b);
    expect(sent).toEqual(['a', 'b']);
  });

  it('after a reset, acks of the old connection are never sent', () => {
    const { gate, sent } = recording();
    const old = gate.add('old');
    expect(gate.reset()).toBe(1);
    expect(gate.pending).toBe(0);
    gate.done(old);
    const fresh = gate.add('fresh');
    gate.done(fresh);
    expect(sent).toEqual(['fresh']);
  });

  it('keeps order over many messages (the queue compacts as it goes)', () => {
    const { gate, sent } = recording();
    const tickets = Array.from({ length: 5000 }, (_, i) => gate.add(String(i)));
    // Done in reverse halves: the second half first, then the first.
    for (let i = 2500; i < 5000; i++) gate.done(tickets[i]!);
    expect(sent).toEqual([]);
    for (let i = 0; i < 2500; i++) gate.done(tickets[i]!);
    expect(sent).toEqual(tickets.map((_, i) => String(i)));
    const more = Array.from({ length: 3000 }, (_, i) => gate.add(`m${i}`));
    for (const t of more) gate.done(t);
    expect(sent.length).toBe(8000);
    expect(gate.pending).toBe(0);
  });
});
