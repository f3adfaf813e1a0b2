import { IotpError } from '../../../lib/errors.js';
import type { SyncSerde } from '../serde.js';

/**
 * A list of values as `<4-byte count>` then `<4-byte length><bytes>` per value (length 0xFFFFFFFF
 * for a null encoding): what a join store keeps per key and timestamp (duplicates retained).
 */
export function listSerde<V>(inner: SyncSerde<V>): SyncSerde<V[]> {
  return {
    serialize: (data, topic) => {
      const parts = data.map((v) => inner.serialize(v, topic));
      const size = 4 + parts.reduce((n, p) => n + 4 + (p?.length ?? 0), 0);
      const out = Buffer.allocUnsafe(size);
      out.writeUInt32BE(parts.length, 0);
      let at = 4;
      for (const p of parts) {
        out.writeUInt32BE(p === null ? 0xffffffff : p.length, at);
        at += 4;
        if (p !== null) at += p.copy(out, at);
      }
      return out;
    },
    deserialize: (data, topic) => {
      if (data === null || data.length < 4)
        throw new IotpError('SERDE_INVALID', `list serde: ${data?.length ?? 'null'} bytes on ${topic}`);
      const n = data.readUInt32BE(0);
      const out: V[] = [];
      let at = 4;
      for (let i = 0; i < n; i++) {
        if (at + 4 > data.length) throw new IotpError('SERDE_INVALID', `list serde: truncated on ${topic}`);
        const len = data.readUInt32BE(at);
        at += 4;
        if (len === 0xffffffff) out.push(inner.deserialize(null, topic));
        else {
          out.push(inner.deserialize(data.subarray(at, at + len), topic));
          at += len;
        }
      }
      return out;
    },
  };
}
