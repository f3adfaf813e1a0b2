import { describe, expect, it } from 'vitest';
import { createCommandResponder } from './command-responder.js';

const cmd = (correlationId: string, name = 'recalibrate') => Buffer.from(JSON.stringify({ correlationId, name }));

describe('createCommandResponder', () => {
  it('answers a known command DONE on <topic>/ack with the device id and correlation id', () => {
    const r = createCommandResponder({ now: () => 42 });
    const a = r.answer('sim-1', 'devices/sim-1/cmd', cmd('c1'));
    expect(a?.topic).toBe('devices/sim-1/cmd/ack');
    expect(JSON.parse(a?.payload ?? '')).toEqual({
      deviceId: 'sim-1',
      correlationId: 'c1',
      name: 'recalibrate',
      status: 'DONE',
      detail: 'simulated recalibrate',
      ts: 42,
    });
    expect(r.stats).toEqual({ received: 1, duplicates: 0, done: 1, rejected: 0 });
  });

  it('rejects an unknown command or garbage, and counts a redelivery as a duplicate (answered again)', () => {
    const r = createCommandResponder({ now: () => 1 });
    expect(JSON.parse(r.answer('d', 't', cmd('c2', 'self-destruct'))?.payload ?? '')).toMatchObject({
      status: 'REJECTED',
      detail: "unknown command 'self-destruct'",
    });
    expect(JSON.parse(r.answer('d', 't', Buffer.from('nope'))?.payload ?? '')).toMatchObject({ status: 'REJECTED' });
    r.answer('d', 't', cmd('c3'));
    expect(JSON.parse(r.answer('d', 't', cmd('c3'))?.payload ?? '')).toMatchObject({ status: 'DONE' });
    expect(r.stats).toEqual({ received: 4, duplicates: 1, done: 1, rejected: 2 });
  });

  it('remembers a bounded number of correlation ids per device', () => {
    const r = createCommandResponder({ now: () => 1, remember: 2 });
    for (const id of ['a', 'b', 'c']) r.answer('d', 't', cmd(id));
    r.answer('d', 't', cmd('a'));
    expect(r.stats.duplicates).toBe(0);
  });
});
