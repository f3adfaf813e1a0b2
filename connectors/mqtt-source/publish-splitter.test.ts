import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { type IncomingPublish, PublishSplitter } from './publish-splitter.js';

const v5 = { protocolVersion: 5 } as const;
const gen = (packet: Record<string, unknown>, protocolVersion = 5) =>
  mqttPacket.generate(packet as unknown as mqttPacket.Packet, { protocolVersion });

const publish = (messageId: number, extra: Record<string, unknown> = {}) =>
  gen({
    cmd: 'publish',
    topic: `sensors/lab/d${messageId}/environment`,
    payload: Buffer.from(JSON.stringify({ n: messageId })),
    qos: 1,
    messageId,
    retain: false,
    dup: false,
    ...extra,
  });

/** Feeds the bytes in the given chunk sizes; returns what came out, in order. */
function run(bytes: Buffer, chunkSizes: (i: number) => number, protocolVersion = 5, stopEvery = 0) {
  const out: (IncomingPublish | { other: Buffer })[] = [];
  let taken = 0;
  const splitter = new PublishSplitter({
    protocolVersion,
    onPublish: (p) => {
      out.push({ ...p, payload: Buffer.from(p.payload) });
      taken++;
      return stopEvery === 0 || taken % stopEvery !== 0;
    },
    onOther: (b) => out.push({ other: Buffer.from(b) }),
  });
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = Math.max(1, chunkSizes(i));
    splitter.push(bytes.subarray(at, at + n));
    at += n;
    while (splitter.held) splitter.resume();
  }
  return out;
}

describe('PublishSplitter', () => {
  const connack = gen({ cmd: 'connack', sessionPresent: true, reasonCode: 0 });
  const suback = gen({ cmd: 'suback', messageId: 9, granted: [1] });
  const ping = gen({ cmd: 'pingresp' });
  const stream = Buffer.concat([
    connack,
    publish(1),
    publish(2, {
      retain: true,
      dup: true,
      properties: {
        userProperties: { a: 'b' },
        contentType: 'json',
        messageExpiryInterval: 60,
        payloadFormatIndicator: true,
      },
    }),
    suback,
    gen({
      cmd: 'publish',
      topic: 'sensors/lab/q0/environment',
      payload: Buffer.from('{}'),
      qos: 0,
      retain: false,
      dup: false,
    }),
    ping,
    publish(3, { qos: 2 }), // left to mqtt.js
    publish(4, { properties: { topicAlias: 2 } }), // left to mqtt.js
    publish(5),
  ]);

  const expected = [
    { other: connack },
    {
      topic: 'sensors/lab/d1/environment',
      qos: 1,
      messageId: 1,
      retain: false,
      dup: false,
      payload: Buffer.from('{"n":1}'),
    },
    {
      topic: 'sensors/lab/d2/environment',
      qos: 1,
      messageId: 2,
      retain: true,
      dup: true,
      payload: Buffer.from('{"n":2}'),
    },
    { other: suback },
    {
      topic: 'sensors/lab/q0/environment',
      qos: 0,
      messageId: undefined,
      retain: false,
      dup: false,
      payload: Buffer.from('{}'),
    },
    { other: Buffer.concat([ping, publish(3, { qos: 2 }), publish(4, { properties: { topicAlias: 2 } })]) },
    {
      topic: 'sensors/lab/d5/environment',
      qos: 1,
      messageId: 5,
      retain: false,
      dup: false,
      payload: Buffer.from('{"n":5}'),
    },
  ];

  it('decodes PUBLISH packets and hands everything else on, in order, in one chunk', () => {
    expect(run(stream, () => stream.length)).toEqual(expected);
  });

  it('gives the same packets whatever the chunk boundaries', () => {
    const flat = (xs: ReturnType<typeof run>): unknown[] =>
      xs.flatMap((x): unknown[] => ('other' in x ? [...x.other].map((b) => ({ byte: b })) : [x]));
    for (const size of [1, 2, 3, 7, 13, 64])
      expect(flat(run(stream, () => size))).toEqual(flat(expected as ReturnType<typeof run>));
    expect(flat(run(stream, (i) => (i * 7919) % 23))).toEqual(flat(expected as ReturnType<typeof run>));
  });

  it('stops when told to and goes on at resume, nothing lost or reordered', () => {
    expect(run(stream, () => stream.length, 5, 1)).toEqual(expected);
    const many = Buffer.concat(Array.from({ length: 50 }, (_, i) => publish(i + 1)));
    const ids = run(many, () => 100, 5, 3).map((p) => ('other' in p ? -1 : p.messageId));
    expect(ids).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('reads MQTT 3.1.1 PUBLISH packets (no properties)', () => {
    const v4 = Buffer.concat([
      gen(
        { cmd: 'publish', topic: 'a/b', payload: Buffer.from('x'), qos: 1, messageId: 7, retain: false, dup: false },
        4,
      ),
      gen({ cmd: 'pingresp' }, 4),
    ]);
    expect(run(v4, () => 3, 4)).toEqual([
      { topic: 'a/b', qos: 1, messageId: 7, retain: false, dup: false, payload: Buffer.from('x') },
      { other: gen({ cmd: 'pingresp' }, 4) },
    ]);
  });

  it('a payload is a view of the received bytes, not a copy', () => {
    const bytes = publish(1);
    let payload: Buffer | undefined;
    new PublishSplitter({
      ...v5,
      onPublish: (p) => {
        payload = p.payload;
        return true;
      },
      onOther: () => {},
    }).push(bytes);
    expect(payload?.buffer).toBe(bytes.buffer);
  });
});
