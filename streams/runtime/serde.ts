import { IotpError } from '../../lib/errors.js';
import type { Windowed } from './windows/window.js';

/**
 * Turns values into record bytes and back. Sources and sinks accept async serdes (an Avro serde
 * that looks schemas up in the registry); state stores need a {@link SyncSerde}. `null` bytes are a
 * Kafka null (a tombstone); `deserialize` throws a coded error on bad input.
 *
 * @example
 *   const s: Serde<string> = Serdes.string();
 *   s.deserialize(s.serialize('dev-1', 't') as Buffer, 't'); // 'dev-1'
 */
export interface Serde<T> {
  serialize(data: T, topic: string): Buffer | null | Promise<Buffer | null>;
  deserialize(data: Buffer | null, topic: string): T | Promise<T>;
}

/** A serde that answers synchronously (required by state stores). */
export interface SyncSerde<T> extends Serde<T> {
  serialize(data: T, topic: string): Buffer | null;
  deserialize(data: Buffer | null, topic: string): T;
}

function required(data: Buffer | null, what: string, topic: string): Buffer {
  if (data === null) throw new IotpError('SERDE_NULL', `${what}: null bytes on ${topic}`, { context: { topic } });
  return data;
}

const stringSerde: SyncSerde<string> = {
  serialize: (data) => Buffer.from(data, 'utf8'),
  deserialize: (data, topic) => required(data, 'string serde', topic).toString('utf8'),
};

const bufferSerde: SyncSerde<Buffer> = {
  serialize: (data) => data,
  deserialize: (data, topic) => required(data, 'buffer serde', topic),
};

const nullableStringSerde: SyncSerde<string | null> = {
  serialize: (data) => (data === null ? null : Buffer.from(data, 'utf8')),
  deserialize: (data) => (data === null ? null : data.toString('utf8')),
};

const float64Serde: SyncSerde<number> = {
  serialize: (data) => {
    const b = Buffer.allocUnsafe(8);
    b.writeDoubleBE(data, 0);
    return b;
  },
  deserialize: (data, topic) => {
    const b = required(data, 'float64 serde', topic);
    if (b.length !== 8) throw new IotpError('SERDE_INVALID', `float64 serde: expected 8 bytes, got ${b.length}`);
    return b.readDoubleBE(0);
  },
};

/** Built-in serdes, all synchronous. */
export const Serdes = {
  string: (): SyncSerde<string> => stringSerde,
  nullableString: (): SyncSerde<string | null> => nullableStringSerde,
  buffer: (): SyncSerde<Buffer> => bufferSerde,
  float64: (): SyncSerde<number> => float64Serde,
  /** JSON text in UTF-8; a parse error is a coded SERDE_INVALID_JSON error. */
  json: <T>(): SyncSerde<T> => ({
    serialize: (data) => Buffer.from(JSON.stringify(data), 'utf8'),
    deserialize: (data, topic) => {
      const text = required(data, 'json serde', topic).toString('utf8');
      try {
        return JSON.parse(text) as T;
      } catch (cause) {
        throw new IotpError('SERDE_INVALID_JSON', `json serde: not JSON on ${topic}`, { cause, context: { topic } });
      }
    },
  }),
  /**
   * Windowed keys as `<inner key bytes><8-byte window start><8-byte window end>` (big-endian), so
   * windowed results can be written to a topic and read back.
   */
  windowed: <K>(inner: SyncSerde<K>): SyncSerde<Windowed<K>> => ({
    serialize: (data, topic) => {
      const key = inner.serialize(data.key, topic) ?? Buffer.alloc(0);
      const out = Buffer.allocUnsafe(key.length + 16);
      key.copy(out, 0);
      out.writeBigInt64BE(BigInt(data.window.start), key.length);
      out.writeBigInt64BE(BigInt(data.window.end), key.length + 8);
      return out;
    },
    deserialize: (data, topic) => {
      const b = required(data, 'windowed serde', topic);
      if (b.length < 16) throw new IotpError('SERDE_INVALID', `windowed serde: ${b.length} bytes is too short`);
      const n = b.length - 16;
      return {
        key: inner.deserialize(b.subarray(0, n), topic),
        window: { start: Number(b.readBigInt64BE(n)), end: Number(b.readBigInt64BE(n + 8)) },
      };
    },
  }),
};

/** True if `value` is a thenable (so callers await only when they must). */
export function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
