import type { Rejection } from './dead-letter-reason.js';

export type JsonPayloadResult = { ok: true; value: unknown } | { ok: false; rejection: Rejection };

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses an MQTT payload as UTF-8 JSON, refusing payloads over `maxBytes` before reading them.
 * JSON with bare `NaN`/`Infinity` tokens (as Python's json.dumps writes) is NON_FINITE rather than
 * INVALID_JSON, so operators see the real problem.
 *
 * @example
 *   parseJsonPayload(Buffer.from('{"t":1}'), 1024) // { ok: true, value: { t: 1 } }
 *   parseJsonPayload(Buffer.from('{"t":NaN}'), 1024).ok // false, reason NON_FINITE
 */
export function parseJsonPayload(payload: Uint8Array, maxBytes: number): JsonPayloadResult {
  const tooBig = oversize(payload, maxBytes);
  if (tooBig) return { ok: false, rejection: tooBig };
  let text: string;
  try {
    text = decoder.decode(payload);
  } catch {
    return fail('INVALID_JSON', 'payload is not valid UTF-8', 'utf-8');
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const token = bareNonFiniteToken(text);
    if (token !== undefined)
      return fail('NON_FINITE', `payload contains a bare ${token} token: numbers must be finite`, 'finite');
    const detail = error instanceof Error ? error.message : String(error);
    return fail('INVALID_JSON', `payload is not JSON: ${detail}`, 'json');
  }
}

/** The OVERSIZE refusal for a payload over `maxBytes`, else undefined. */
export function oversize(payload: Uint8Array, maxBytes: number): Rejection | undefined {
  if (payload.byteLength <= maxBytes) return undefined;
  return {
    reason: 'OVERSIZE',
    field: '(payload)',
    rule: 'max-bytes',
    message: `payload is ${payload.byteLength} bytes, over the limit of ${maxBytes} bytes`,
  };
}

/** The first NaN/Infinity token outside strings, if replacing all of them makes the text parse. */
function bareNonFiniteToken(text: string): string | undefined {
  let first: string | undefined;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const m = /^-?(NaN|Infinity)/.exec(text.slice(i, i + 9));
    if (m) {
      first ??= m[0];
      out += 'null';
      i += m[0].length;
      continue;
    }
    out += ch;
    i++;
  }
  if (first === undefined) return undefined;
  try {
    JSON.parse(out);
    return first;
  } catch {
    return undefined;
  }
}

function fail(reason: Rejection['reason'], message: string, rule: string): JsonPayloadResult {
  return { ok: false, rejection: { reason, message, rule, field: '(payload)' } };
}
