import { describe, expect, it } from 'vitest';
import type { Command } from '../../schemas/generated/command.js';
import { encodeCommandMessage } from './command-payload.js';

const command = (payload: string): Command => ({
  deviceId: 'd1',
  name: 'recalibrate',
  payload,
  expiry: 1_700_000_600_000,
  correlationId: 'c-1',
  ts: 1_700_000_000_000,
  source: 'ops',
});

describe('encodeCommandMessage', () => {
  it('is JSON a device reads without Avro: correlation id, name, args (parsed), expiry, ts', () => {
    const r = encodeCommandMessage(command('{"field":"temperature","steps":3}'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(JSON.parse(r.bytes.toString('utf8'))).toEqual({
      correlationId: 'c-1',
      name: 'recalibrate',
      args: { field: 'temperature', steps: 3 },
      expiry: 1_700_000_600_000,
      ts: 1_700_000_000_000,
    });
  });

  it('an empty payload is no arguments', () => {
    const r = encodeCommandMessage(command(''));
    expect(r.ok && r.message.args).toEqual({});
  });

  it('refuses a payload that is not a JSON object', () => {
    for (const bad of ['{', '[1,2]', '42', '"x"', 'null']) {
      const r = encodeCommandMessage(command(bad));
      expect(r.ok, bad).toBe(false);
    }
  });
});
