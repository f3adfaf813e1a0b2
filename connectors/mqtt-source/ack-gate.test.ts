import { describe, expect, it } from 'vitest';
import { createAckGate } from './ack-gate.js';

describe('createAckGate', () => {
  it('sends acks in arrival order once each is done and attached', () => {
    const gate = createAckGate();
    const sent: string[] = [];
    const a = gate.add();
    const b = gate.add();
    const c = gate.add();
    gate.attach(b, () => sent.push('b'));
    gate.done(b);
    gate.attach(c, () => sent.push('c'));
    gate.done(c);
    expect(sent).toEqual([]);
    expect(gate.pending).toBe(3);
    gate.done(a);
    expect(sent).toEqual([]); // done but the ack is not attached yet
    gate.attach(a, () => sent.push('a'));
    expect(sent).toEqual(['a', 'b', 'c']);
    expect(gate.pending).toBe(0);
  });

  it('holds a later ack while an earlier message is still in Kafka flight', () => {
    const gate = createAckGate();
    const sent: number[] = [];
    const tickets = [0, 1, 2].map((i) => {
      const t = gate.add();
      gate.attach(t, () => sent.push(i));
      return t;
    });
    gate.done(tickets[0]!);
    gate.done(tickets[2]!);
    expect(sent).toEqual([0]);
    gate.done(tickets[1]!);
    expect(sent).toEqual([0, 1, 2]);
  });

  it('after a reset, acks of the old connection are never sent', () => {
    const gate = createAckGate();
    const sent: string[] = [];
    const old = gate.add();
    gate.attach(old, () => sent.push('old'));
    expect(gate.reset()).toBe(1);
    expect(gate.pending).toBe(0);
    gate.done(old);
    const fresh = gate.add();
    gate.attach(fresh, () => sent.push('fresh'));
    gate.done(fresh);
    expect(sent).toEqual(['fresh']);
  });
});
