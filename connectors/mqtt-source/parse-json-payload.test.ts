import { describe, expect, it } from 'vitest';
import { parseJsonPayload } from './parse-json-payload.js';

describe('parseJsonPayload', () => {
  it('parses UTF-8 JSON', () => {
    expect(parseJsonPayload(Buffer.from('{"t":21.5,"n":"é"}'), 100)).toEqual({ ok: true, value: { t: 21.5, n: 'é' } });
  });

  it('refuses a payload over the limit before parsing it', () => {
    const r = parseJsonPayload(Buffer.from('{"t":1}'), 6);
    expect(r.ok || r.rejection).toMatchObject({ reason: 'OVERSIZE', rule: 'max-bytes' });
    expect(r.ok || r.rejection.message).toContain('7 bytes, over the limit of 6');
  });

  it.each(['{"t":', 'hello', '', '{"t":1}}'])('%j is INVALID_JSON', (text) => {
    const r = parseJsonPayload(Buffer.from(text), 100);
    expect(r.ok || r.rejection.reason).toBe('INVALID_JSON');
  });

  it('refuses bytes that are not UTF-8', () => {
    const r = parseJsonPayload(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 100);
    expect(r.ok || r.rejection).toMatchObject({ reason: 'INVALID_JSON', rule: 'utf-8' });
  });

  it.each(['{"t":NaN}', '[{"t":-Infinity}]', '{"a":"x","t":Infinity}'])('%j is NON_FINITE', (text) => {
    const r = parseJsonPayload(Buffer.from(text), 100);
    expect(r.ok || r.rejection.reason).toBe('NON_FINITE');
  });

  it('keeps "NaN" inside strings as JSON (the schema check decides)', () => {
    expect(parseJsonPayload(Buffer.from('{"t":"NaN"}'), 100)).toEqual({ ok: true, value: { t: 'NaN' } });
    const r = parseJsonPayload(Buffer.from('{"t":"NaN" x}'), 100);
    expect(r.ok || r.rejection.reason).toBe('INVALID_JSON');
  });
});
