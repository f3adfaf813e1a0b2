/**
 * A lean MQTT 3.1.1 QoS 1 publisher for the MQTT harness: one TCP connection, the PUBLISH packets
 * encoded before the clock starts, at most `window` un-acknowledged, packets written in bulk as
 * PUBACKs free the window. It spends a fraction of mqtt.js's CPU per message, so on a 2-core box
 * the side under test, not the load generator, sets the rate.
 *
 * @example
 *   const p = await connectRawPublisher('mqtt://127.0.0.1:18830', 'bench-pub');
 *   await p.publishAll(encodeQos1(messages), 1000);
 *   await p.close();
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

/** Remaining length, MQTT's variable byte integer. */
function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

function utf8(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(2);
  len.writeUInt16BE(b.length, 0);
  return Buffer.concat([len, b]);
}

/** A QoS 1 PUBLISH packet and where its packet identifier goes. */
export interface EncodedPublish {
  packet: Buffer;
  idOffset: number;
}

export function encodeQos1(messages: { topic: string; payload: string }[]): EncodedPublish[] {
  return messages.map((m) => {
    const topic = utf8(m.topic);
    const payload = Buffer.from(m.payload, 'utf8');
    const remaining = topic.length + 2 + payload.length;
    const head = Buffer.concat([Buffer.from([0x32]), varint(remaining)]); // PUBLISH, QoS 1
    const packet = Buffer.concat([head, topic, Buffer.alloc(2), payload]);
    return { packet, idOffset: head.length + topic.length };
  });
}

export interface RawPublisher {
  /** Publishes every packet, at most `window` un-acked; resolves when all are PUBACKed. */
  publishAll(packets: EncodedPublish[], window: number, onProgress?: (acked: number) => void): Promise<void>;
  close(): Promise<void>;
}

export async function connectRawPublisher(url: string, clientId: string): Promise<RawPublisher> {
  const u = new URL(url);
  const socket: Socket = connect({ host: u.hostname, port: Number(u.port || 1883) });
  socket.setNoDelay(true);
  await once(socket, 'connect');
  // CONNECT: protocol MQTT level 4, clean session, keep alive 0 (no pings needed).
  const variable = Buffer.concat([utf8('MQTT'), Buffer.from([4, 0x02, 0, 0])]);
  const body = Buffer.concat([variable, utf8(clientId)]);
  socket.write(Buffer.concat([Buffer.from([0x10]), varint(body.length), body]));

  let pending: Buffer = Buffer.alloc(0);
  let onPacket: (type: number, body: Buffer) => void = () => undefined;
  /** After each chunk's packets: the window is refilled once per chunk, in one write. */
  let afterChunk: () => void = () => undefined;
  let failure: Error | undefined;
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let at = 0;
    for (;;) {
      if (pending.length - at < 2) break;
      let len = 0;
      let mul = 1;
      let i = at + 1;
      for (; i < pending.length; i++) {
        const b = pending[i] as number;
        len += (b & 0x7f) * mul;
        mul *= 128;
        if ((b & 0x80) === 0) break;
      }
      if (i >= pending.length || pending.length < i + 1 + len) break;
      onPacket((pending[at] as number) >> 4, pending.subarray(i + 1, i + 1 + len));
      at = i + 1 + len;
    }
    pending = at === pending.length ? Buffer.alloc(0) : pending.subarray(at);
    afterChunk();
  });
  socket.on('error', (e) => {
    failure = e;
  });

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no CONNACK in 10 s')), 10_000);
    onPacket = (type, b) => {
      if (type !== 2) return;
      clearTimeout(timer);
      if (b[1] !== 0) reject(new Error(`CONNACK refused: return code ${b[1]}`));
      else resolve();
    };
  });

  return {
    publishAll(packets, window, onProgress) {
      return new Promise<void>((resolve, reject) => {
        let next = 0;
        let acked = 0;
        let inFlight = 0;
        let id = 0;
        const fill = () => {
          const out: Buffer[] = [];
          while (inFlight < window && next < packets.length) {
            const p = packets[next++] as EncodedPublish;
            id = (id % 65_535) + 1;
            p.packet.writeUInt16BE(id, p.idOffset);
            out.push(p.packet);
            inFlight++;
          }
          if (out.length > 0) socket.write(out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out));
        };
        onPacket = (type) => {
          if (type !== 4) return; // PUBACK
          inFlight--;
          acked++;
          onProgress?.(acked);
          if (acked === packets.length) resolve();
        };
        afterChunk = fill;
        socket.once('close', () => {
          if (acked < packets.length) reject(failure ?? new Error(`connection closed after ${acked} PUBACKs`));
        });
        if (packets.length === 0) resolve();
        else fill();
      });
    },
    async close() {
      if (socket.destroyed) return;
      socket.end(Buffer.from([0xe0, 0x00])); // DISCONNECT
      await once(socket, 'close').catch(() => undefined);
    },
  };
}
