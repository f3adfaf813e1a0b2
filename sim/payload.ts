import type { MalformedVariant } from './anomaly-kinds.js';

/** One reading as published: `{"deviceId": "...", "ts": <epoch ms>, "<field>": <number>, ...}`. */
export type ReadingPayload = Record<string, string | number>;

export function readingPayload(deviceId: string, ts: number, values: Readonly<Record<string, number>>): ReadingPayload {
  return { deviceId, ts, ...values };
}

/**
 * Breaks one field of a reading in place: `nan-string` makes it the string "NaN", `wrong-type` a
 * numeric string such as "21.5" (nothing coerces strings). `invalid-json` is applied to the text
 * (see `cutJson`).
 */
export function breakField(reading: ReadingPayload, variant: MalformedVariant, field: string): void {
  if (variant === 'nan-string') reading[field] = 'NaN';
  else if (variant === 'wrong-type') reading[field] = String(reading[field]);
}

/**
 * JSON text cut short, so it is no longer JSON: a strict prefix of an object or array text never
 * parses. The cut keeps the first `"ts":<n>` so a reader can still tell which reading it was.
 *
 * @example
 *   cutJson('{"deviceId":"d1","ts":1700000000000,"temperature":21.5}') // '{"deviceId":"d1","ts":1700000000000,"tempe'
 */
export function cutJson(text: string): string {
  const ts = /"ts":-?\d+/.exec(text);
  const keep = ts ? ts.index + ts[0].length : 1;
  const cut = Math.max(keep, Math.floor(text.length * 0.8));
  return text.slice(0, Math.min(cut, text.length - 1));
}

/** The retained `sensors/<site>/<id>/status` topic and its payloads (ONLINE on connect, OFFLINE as Last Will). */
export function statusTopic(site: string, id: string, root = 'sensors'): string {
  return `${root}/${site}/${id}/status`;
}

export function statusPayload(id: string, site: string, status: 'ONLINE' | 'OFFLINE', ts: number): string {
  return JSON.stringify({ deviceId: id, site, status, ts });
}
