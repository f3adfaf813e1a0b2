import type { Message, TopicMessages } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { type PartitionWriteResult, RecordSender } from './record-sender.js';

/** A fake kafkajs sendBatch: partition = key length % 2, offsets counted per partition. */
function fakeBroker(chosen: WeakMap<Message, number>) {
  const calls: TopicMessages[][] = [];
  const next = new Map<string, number>();
  let release: (() => void) | undefined;
  let gate: Promise<void> = Promise.resolve();
  const sendBatch = async (topicMessages: TopicMessages[]): Promise<PartitionWriteResult[]> => {
    calls.push(topicMessages);
    await gate;
    const results: PartitionWriteResult[] = [];
    for (const { topic, messages } of topicMessages) {
      const counts = new Map<number, number>();
      for (const m of messages) {
        const p = m.partition ?? String(m.key).length % 2;
        chosen.set(m, p);
        counts.set(p, (counts.get(p) ?? 0) + 1);
      }
      for (const [p, n] of counts) {
        const k = `${topic}/${p}`;
        const base = next.get(k) ?? 0;
        next.set(k, base + n);
        results.push({ topicName: topic, partition: p, baseOffset: String(base) });
      }
    }
    return results;
  };
  return {
    calls,
    sendBatch,
    hold() {
      gate = new Promise((r) => {
        release = r;
      });
    },
    release() {
      release?.();
    },
  };
}

const rec = (topic: string, key: string) => ({ topic, key, value: Buffer.from(key) });

describe('RecordSender', () => {
  it('gives each record its own partition and offset', async () => {
    const chosen = new WeakMap<Message, number>();
    const broker = fakeBroker(chosen);
    const sender = new RecordSender(broker.sendBatch, chosen, 0);
    const meta = await sender.send([rec('t', 'a'), rec('t', 'bb'), rec('t', 'c'), rec('u', 'd'), rec('t', 'ee')]);
    expect(meta).toEqual([
      { topic: 't', partition: 1, offset: '0' },
      { topic: 't', partition: 0, offset: '0' },
      { topic: 't', partition: 1, offset: '1' },
      { topic: 'u', partition: 1, offset: '0' },
      { topic: 't', partition: 0, offset: '1' },
    ]);
  });

  it('keeps one request in flight and merges calls made meanwhile, in call order', async () => {
    const chosen = new WeakMap<Message, number>();
    const broker = fakeBroker(chosen);
    const sender = new RecordSender(broker.sendBatch, chosen, 0);
    broker.hold();
    const first = sender.send([rec('t', 'a')]);
    await Promise.resolve();
    const second = sender.send([rec('t', 'c')]);
    const third = sender.send([rec('t', 'e'), rec('t', 'g')]);
    expect(broker.calls).toHaveLength(1);
    broker.release();
    expect(await first).toEqual([{ topic: 't', partition: 1, offset: '0' }]);
    expect(await second).toEqual([{ topic: 't', partition: 1, offset: '1' }]);
    expect(await third).toEqual([
      { topic: 't', partition: 1, offset: '2' },
      { topic: 't', partition: 1, offset: '3' },
    ]);
    expect(broker.calls).toHaveLength(2);
    expect(broker.calls[1]?.[0]?.messages.map((m) => m.key)).toEqual(['c', 'e', 'g']);
  });

  it('merges calls made within the linger into one request', async () => {
    const chosen = new WeakMap<Message, number>();
    const broker = fakeBroker(chosen);
    const sender = new RecordSender(broker.sendBatch, chosen, 20);
    const all = await Promise.all([sender.send([rec('t', 'a')]), sender.send([rec('t', 'b')])]);
    expect(all.flat().map((m) => m.offset)).toEqual(['0', '1']);
    expect(broker.calls).toHaveLength(1);
  });

  it('rejects every caller of a failed request and keeps serving later ones', async () => {
    const chosen = new WeakMap<Message, number>();
    const broker = fakeBroker(chosen);
    let fail = true;
    const sender = new RecordSender(
      async (tm) => {
        if (fail) {
          fail = false;
          throw new Error('broker said no');
        }
        return broker.sendBatch(tm);
      },
      chosen,
      0,
    );
    await expect(sender.send([rec('t', 'a')])).rejects.toThrow('broker said no');
    expect(await sender.send([rec('t', 'a')])).toEqual([{ topic: 't', partition: 1, offset: '0' }]);
  });
});
