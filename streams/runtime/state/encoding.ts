import { IotpError } from '../../../lib/errors.js';

/**
 * The binary layout of changelog keys and values (all integers big-endian):
 * - key-value store: key = key bytes; value = 8-byte event time of the last update + value bytes
 * - window store:    key = 8-byte window start + key bytes; value = value bytes
 * - session store:   key = 8-byte session start + 8-byte session end + key bytes; value = value bytes
 */
export function prefixTimes(times: readonly number[], rest: Buffer): Buffer {
  const out = Buffer.allocUnsafe(times.length * 8 + rest.length);
  times.forEach((t, i) => {
    out.writeBigInt64BE(BigInt(Math.trunc(t)), i * 8);
  });
  rest.copy(out, times.length * 8);
  return out;
}

/** Splits what {@link prefixTimes} joined. */
export function splitTimes(data: Buffer, count: number, store: string): { times: number[]; rest: Buffer } {
  if (data.length < count * 8)
    throw new IotpError('STATE_CORRUPT', `store ${store}: changelog entry of ${data.length} bytes is too short`, {
      context: { store },
    });
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(Number(data.readBigInt64BE(i * 8)));
  return { times, rest: data.subarray(count * 8) };
}

/** A Map key for a store key: strings as they are, anything else by its serialized bytes. */
export function keyId(key: unknown, bytes: () => Buffer): string {
  return typeof key === 'string' ? key : bytes().toString('latin1');
}
