import { IotpError } from '../../../lib/errors.js';
import type { SyncSerde } from '../../runtime/serde.js';

/**
 * What changes a device's detect state (one reading type): the events the detect step journals
 * instead of the state itself. Everything the change depends on is in the event, the wall clock
 * included, so replaying the events after a snapshot rebuilds the state exactly.
 *
 * - reading: a reading's event time, the wall-clock time it was processed, its site, and the value
 *   of each numeric field of the route, in the route's order (null when absent);
 * - offline: an OFFLINE device status taken at `ts`;
 * - online: an ONLINE device status taken at `ts` (ends a silence an OFFLINE before it opened);
 * - silence: the heartbeat check found the device silent, the next reading was due at `dueTs`;
 * - settings: the device's registry settings (limits, detector overrides) changed to `key` (a
 *   `detectSettingsKey`, '' for none), seen by the detect step before the reading it applies to.
 */
export type DeviceEvent =
  | { kind: 'reading'; ts: number; arrival: number; site: string; values: (number | null)[] }
  | { kind: 'offline'; ts: number }
  | { kind: 'online'; ts: number }
  | { kind: 'silence'; dueTs: number }
  | { kind: 'settings'; key: string };

const READING = 1;
const OFFLINE = 2;
const SILENCE = 3;
const ONLINE = 4;
const SETTINGS = 5;

/**
 * Binary: 1 kind byte, then reading: ts f64, arrival f64, site (u16 length + UTF-8), value count
 * (u16) and one f64 per value (NaN for null: values are finite); offline: ts f64; silence: dueTs f64;
 * settings: the key, UTF-8, to the end. A 3-field reading with a short site is about 50 bytes.
 */
export const deviceEventSerde: SyncSerde<DeviceEvent> = {
  serialize(e) {
    if (e.kind === 'reading') {
      const site = Buffer.from(e.site, 'utf8');
      const out = Buffer.allocUnsafe(1 + 16 + 2 + site.length + 2 + 8 * e.values.length);
      let at = out.writeUInt8(READING, 0);
      at = out.writeDoubleBE(e.ts, at);
      at = out.writeDoubleBE(e.arrival, at);
      at = out.writeUInt16BE(site.length, at);
      at += site.copy(out, at);
      at = out.writeUInt16BE(e.values.length, at);
      for (const v of e.values) at = out.writeDoubleBE(v ?? Number.NaN, at);
      return out;
    }
    if (e.kind === 'settings') return Buffer.concat([Buffer.from([SETTINGS]), Buffer.from(e.key, 'utf8')]);
    const out = Buffer.allocUnsafe(9);
    out.writeUInt8(e.kind === 'offline' ? OFFLINE : e.kind === 'online' ? ONLINE : SILENCE, 0);
    out.writeDoubleBE(e.kind === 'silence' ? e.dueTs : e.ts, 1);
    return out;
  },
  deserialize(bytes, topic) {
    if (bytes === null || bytes.length < 1) throw invalid(topic, 'too short');
    const kind = bytes.readUInt8(0);
    if (kind === SETTINGS) return { kind: 'settings', key: bytes.toString('utf8', 1) };
    if (bytes.length < 9) throw invalid(topic, 'too short');
    if (kind === OFFLINE) return { kind: 'offline', ts: bytes.readDoubleBE(1) };
    if (kind === ONLINE) return { kind: 'online', ts: bytes.readDoubleBE(1) };
    if (kind === SILENCE) return { kind: 'silence', dueTs: bytes.readDoubleBE(1) };
    if (kind !== READING) throw invalid(topic, `unknown event kind ${kind}`);
    const ts = bytes.readDoubleBE(1);
    const arrival = bytes.readDoubleBE(9);
    const siteLength = bytes.readUInt16BE(17);
    const site = bytes.toString('utf8', 19, 19 + siteLength);
    let at = 19 + siteLength;
    const count = bytes.readUInt16BE(at);
    at += 2;
    if (bytes.length !== at + 8 * count) throw invalid(topic, 'length does not match its values');
    const values: (number | null)[] = new Array(count);
    for (let i = 0; i < count; i++, at += 8) {
      const v = bytes.readDoubleBE(at);
      values[i] = Number.isNaN(v) ? null : v;
    }
    return { kind: 'reading', ts, arrival, site, values };
  },
};

function invalid(topic: string, why: string): IotpError {
  return new IotpError('DETECT_EVENT_INVALID', `device event on ${topic}: ${why}`, { context: { topic } });
}
