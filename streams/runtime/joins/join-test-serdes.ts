import type { SyncSerde } from '../serde.js';

/** JSON values where null bytes are a null value (join semantics tables pipe null values). */
export function nullableJson<T>(): SyncSerde<T | null> {
  return {
    serialize: (data) => (data === null ? null : Buffer.from(JSON.stringify(data), 'utf8')),
    deserialize: (data) => (data === null ? null : (JSON.parse(data.toString('utf8')) as T)),
  };
}

/** Strings where null bytes are a null key. */
export function nullableString(): SyncSerde<string | null> {
  return {
    serialize: (data) => (data === null ? null : Buffer.from(data, 'utf8')),
    deserialize: (data) => (data === null ? null : data.toString('utf8')),
  };
}
