import { IotpError } from '../../../lib/errors.js';
import type { SyncSerde } from '../../runtime/serde.js';
import { ByteReader, ByteWriter } from './byte-codec.js';

/**
 * The event times of one device's readings already seen, ascending, none equal, none at or before
 * (largest − horizon): the state of the dedupe step (see dedupe-readings.ts).
 */
export type SeenTimestamps = number[];

/** What {@link observeTimestamp} decided about a reading. */
export type Observation = 'new' | 'duplicate' | 'beyond-horizon';

/** Index of the first entry >= ts (binary search). */
function lowerBound(seen: readonly number[], ts: number): number {
  let lo = 0;
  let hi = seen.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((seen[mid] as number) < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Decides about one reading of a device and updates `seen` (mutated): `duplicate` if `ts` is in it;
 * `beyond-horizon` (left out, `seen` unchanged) if ts <= largest − horizon: no window that could
 * count it is open any more, so it cannot be told from a copy and needs no entry; else `new`: ts is
 * added and the entries at or before (new largest − horizon) are pruned.
 *
 * @example
 *   const seen: SeenTimestamps = [];
 *   observeTimestamp(seen, 1_000, 60_000); // 'new'
 *   observeTimestamp(seen, 1_000, 60_000); // 'duplicate'
 */
export function observeTimestamp(seen: SeenTimestamps, ts: number, horizonMs: number): Observation {
  const largest = seen.length > 0 ? (seen[seen.length - 1] as number) : Number.NEGATIVE_INFINITY;
  if (ts <= largest - horizonMs) return 'beyond-horizon';
  const at = lowerBound(seen, ts);
  if (seen[at] === ts) return 'duplicate';
  seen.splice(at, 0, ts);
  if (ts > largest) {
    const keep = lowerBound(seen, ts - horizonMs + 1);
    if (keep > 0) seen.splice(0, keep);
  }
  return 'new';
}

const VERSION = 1;

/**
 * The store serde of a device's {@link SeenTimestamps}: version byte, varint count, the first time
 * (float64), then each next one as a varint delta from the one before (readings 10 s apart: 2 bytes
 * each). Times must be integers (ms).
 */
export const seenTimestampsSerde: SyncSerde<SeenTimestamps> = {
  serialize: (seen) => {
    const w = new ByteWriter(16 + seen.length * 3);
    w.u8(VERSION);
    w.uvarint(seen.length);
    let prev = 0;
    for (let i = 0; i < seen.length; i++) {
      const ts = seen[i] as number;
      if (i === 0) w.f64(ts);
      else w.uvarint(ts - prev);
      prev = ts;
    }
    return w.finish();
  },
  deserialize: (bytes, topic) => {
    if (bytes === null) throw new IotpError('DEDUPE_STATE_INVALID', `seen timestamps: null bytes on ${topic}`);
    const r = new ByteReader(bytes, `seen timestamps on ${topic}`);
    const version = r.u8();
    if (version !== VERSION)
      throw new IotpError('DEDUPE_STATE_INVALID', `seen timestamps: unknown version ${version} on ${topic}`);
    const n = r.uvarint();
    const seen: SeenTimestamps = [];
    let prev = 0;
    for (let i = 0; i < n; i++) {
      prev = i === 0 ? r.f64() : prev + r.uvarint();
      seen.push(prev);
    }
    if (!r.done()) throw new IotpError('DEDUPE_STATE_INVALID', `seen timestamps: trailing bytes on ${topic}`);
    return seen;
  },
};
