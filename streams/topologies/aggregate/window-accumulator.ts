import { IotpError } from '../../../lib/errors.js';
import type { SyncSerde } from '../../runtime/serde.js';
import type { Window } from '../../runtime/windows/window.js';
import { ByteReader, ByteWriter } from '../shared/byte-codec.js';
import type { ReadingValues } from '../shared/reading-values.js';
import {
  addValue,
  type FieldAccumulator,
  type FieldStats,
  fieldStats,
  mergeInto,
  newFieldAccumulator,
  readFieldAccumulator,
  writeFieldAccumulator,
} from './field-stats.js';

/**
 * The state of one device in one window: how many readings, the site of the latest one (by event
 * time) and one {@link FieldAccumulator} per numeric field that had a non-null value.
 *
 * @example
 *   const acc = newWindowAccumulator();
 *   addReading(acc, ['temperature'], { ts: 1_000, site: 'lab', values: [21.5] }, true);
 */
export interface WindowAccumulator {
  count: number;
  site: string;
  siteTs: number;
  fields: Map<string, FieldAccumulator>;
}

/** The window-result record (schemas/window-result.avsc). */
export interface WindowResult {
  deviceId: string;
  type: string;
  site: string;
  windowStart: number;
  windowEnd: number;
  fields: Record<string, FieldStats>;
  count: number;
  tags: Record<string, string>;
}

export function newWindowAccumulator(): WindowAccumulator {
  return { count: 0, site: '', siteTs: Number.NEGATIVE_INFINITY, fields: new Map() };
}

/** Folds one reading in (mutates and returns `acc`); `names[i]` is the field of `reading.values[i]`. */
export function addReading(
  acc: WindowAccumulator,
  names: readonly string[],
  reading: ReadingValues,
  withSketch: boolean,
): WindowAccumulator {
  acc.count++;
  if (reading.ts >= acc.siteTs) {
    acc.site = reading.site;
    acc.siteTs = reading.ts;
  }
  for (let i = 0; i < names.length; i++) {
    const v = reading.values[i];
    if (v === null || v === undefined) continue;
    const name = names[i] as string;
    let f = acc.fields.get(name);
    if (f === undefined) {
      f = newFieldAccumulator(withSketch);
      acc.fields.set(name, f);
    }
    addValue(f, v, reading.ts);
  }
  return acc;
}

/** Merges `b` into `a` (b counted as received after a). */
export function mergeAccumulators(a: WindowAccumulator, b: WindowAccumulator): WindowAccumulator {
  a.count += b.count;
  if (b.siteTs >= a.siteTs) {
    a.site = b.site;
    a.siteTs = b.siteTs;
  }
  for (const [name, f] of b.fields) {
    const mine = a.fields.get(name);
    if (mine === undefined) {
      const copy = newFieldAccumulator(f.sketch !== undefined);
      mergeInto(copy, f);
      a.fields.set(name, copy);
    } else mergeInto(mine, f);
  }
  return a;
}

/** The final window result; fields in `order` first (the schema's order), then any others. */
export function toWindowResult(
  deviceId: string,
  window: Window,
  acc: WindowAccumulator,
  route: { type: string; tags: Record<string, string>; fieldOrder: readonly string[] },
): WindowResult {
  const fields: Record<string, FieldStats> = {};
  for (const name of route.fieldOrder) {
    const f = acc.fields.get(name);
    if (f !== undefined && f.count > 0) fields[name] = fieldStats(f);
  }
  for (const [name, f] of acc.fields) if (!(name in fields) && f.count > 0) fields[name] = fieldStats(f);
  return {
    deviceId,
    type: route.type,
    site: acc.site,
    windowStart: window.start,
    windowEnd: window.end,
    fields,
    count: acc.count,
    tags: { ...route.tags },
  };
}

const VERSION = 1;

/**
 * The store serde of a WindowAccumulator: version byte, varint record count, site, site time, then
 * per field its name and accumulator (see field-stats.ts). Field names are written, so a restored
 * state stays valid after a compatible schema change adds or removes a field.
 */
export const windowAccumulatorSerde: SyncSerde<WindowAccumulator> = {
  serialize: (acc) => {
    const w = new ByteWriter(128 + acc.fields.size * 160);
    w.u8(VERSION);
    w.uvarint(acc.count);
    w.string(acc.site);
    w.f64(acc.siteTs);
    w.uvarint(acc.fields.size);
    for (const [name, f] of acc.fields) {
      w.string(name);
      writeFieldAccumulator(w, f);
    }
    return w.finish();
  },
  deserialize: (bytes, topic) => {
    if (bytes === null) throw new IotpError('AGG_STATE_INVALID', `window accumulator: null bytes on ${topic}`);
    const r = new ByteReader(bytes, `window accumulator on ${topic}`);
    const version = r.u8();
    if (version !== VERSION)
      throw new IotpError('AGG_STATE_INVALID', `window accumulator: unknown version ${version} on ${topic}`);
    const acc: WindowAccumulator = { count: r.uvarint(), site: r.string(), siteTs: r.f64(), fields: new Map() };
    const n = r.uvarint();
    for (let i = 0; i < n; i++) acc.fields.set(r.string(), readFieldAccumulator(r));
    if (!r.done()) throw new IotpError('AGG_STATE_INVALID', `window accumulator: trailing bytes on ${topic}`);
    return acc;
  },
};
