import { IotpError } from '../../lib/errors.js';
import type { CompositeState } from './composite.js';

/**
 * Binary form of a combined-detector state, for a keyed store: a 16-byte header (magic "ICS",
 * format version, the lengths of its three arrays as little-endian uint32) followed by the
 * Float64Array (little endian), the Int16Array (little endian) and the Int8Array. A byte-for-byte
 * copy of the state, so a decoded state scores every later record exactly as the original would;
 * its size is fixed by the config (16 + 8 f + 2 m + b bytes).
 *
 * @example
 *   const bytes = encodeCompositeState(state);
 *   const again = decodeCompositeState(bytes); // same future scores, bit for bit
 */
const MAGIC = [0x49, 0x43, 0x53] as const; // "ICS"
const VERSION = 2;
const HEADER_BYTES = 16;
/** Typed arrays use the host's byte order: on little-endian hosts (all usual ones) the arrays are copied as they are. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function encodeCompositeState(s: CompositeState): Uint8Array {
  const { f, m, b } = s;
  const bytes = new Uint8Array(HEADER_BYTES + 8 * f.length + 2 * m.length + b.length);
  const view = new DataView(bytes.buffer);
  bytes[0] = MAGIC[0];
  bytes[1] = MAGIC[1];
  bytes[2] = MAGIC[2];
  bytes[3] = VERSION;
  view.setUint32(4, f.length, true);
  view.setUint32(8, m.length, true);
  view.setUint32(12, b.length, true);
  let at = HEADER_BYTES;
  if (LITTLE_ENDIAN) {
    bytes.set(new Uint8Array(f.buffer, f.byteOffset, f.byteLength), at);
    at += f.byteLength;
    bytes.set(new Uint8Array(m.buffer, m.byteOffset, m.byteLength), at);
    at += m.byteLength;
  } else {
    for (let i = 0; i < f.length; i++, at += 8) view.setFloat64(at, f[i] as number, true);
    for (let i = 0; i < m.length; i++, at += 2) view.setInt16(at, m[i] as number, true);
  }
  bytes.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), at);
  return bytes;
}

export function decodeCompositeState(bytes: Uint8Array): CompositeState {
  if (!isEncodedCompositeState(bytes)) {
    throw new IotpError('DETECTOR_STATE_CORRUPT', 'not an encoded combined-detector state (bad magic or version)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fLength = view.getUint32(4, true);
  const mLength = view.getUint32(8, true);
  const bLength = view.getUint32(12, true);
  const expected = HEADER_BYTES + 8 * fLength + 2 * mLength + bLength;
  if (bytes.byteLength !== expected) {
    throw new IotpError(
      'DETECTOR_STATE_CORRUPT',
      `combined-detector state is ${bytes.byteLength} bytes, its header says ${expected}`,
    );
  }
  const f = new Float64Array(fLength);
  const m = new Int16Array(mLength);
  const b = new Int8Array(bLength);
  let at = HEADER_BYTES;
  if (LITTLE_ENDIAN) {
    new Uint8Array(f.buffer).set(bytes.subarray(at, at + 8 * fLength));
    at += 8 * fLength;
    new Uint8Array(m.buffer).set(bytes.subarray(at, at + 2 * mLength));
    at += 2 * mLength;
  } else {
    for (let i = 0; i < fLength; i++, at += 8) f[i] = view.getFloat64(at, true);
    for (let i = 0; i < mLength; i++, at += 2) m[i] = view.getInt16(at, true);
  }
  b.set(new Int8Array(bytes.buffer, bytes.byteOffset + at, bLength));
  return { f, b, m };
}

/** True when the bytes start like an encoded combined-detector state. */
export function isEncodedCompositeState(bytes: Uint8Array): boolean {
  return (
    bytes.byteLength >= HEADER_BYTES &&
    bytes[0] === MAGIC[0] &&
    bytes[1] === MAGIC[1] &&
    bytes[2] === MAGIC[2] &&
    bytes[3] === VERSION
  );
}

/** True for a combined-detector state (its two typed arrays). */
export function isCompositeState(value: unknown): value is CompositeState {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Partial<CompositeState>;
  return v.f instanceof Float64Array && v.b instanceof Int8Array && v.m instanceof Int16Array;
}
