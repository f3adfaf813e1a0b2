import type { Message, TopicMessages } from 'kafkajs';
import { IotpError } from '../../errors.js';
import { KafkaErrorCodes } from '../kafka-error.js';
import type { ProducerRecord, RecordMetadata } from '../types.js';
import { toKafkajsMessage } from './records.js';

/** What kafkajs' sendBatch resolves with: one entry per topic-partition written. */
export interface PartitionWriteResult {
  topicName: string;
  partition: number;
  baseOffset?: string;
}

export type SendBatch = (topicMessages: TopicMessages[]) => Promise<PartitionWriteResult[]>;

interface Pending {
  records: ProducerRecord[];
  resolve(metadata: RecordMetadata[]): void;
  reject(error: unknown): void;
}

/**
 * Gives kafkajs a linger and per-record offsets. kafkajs has no client-side batching (one `send` is
 * one request) and its idempotent producer holds a lock per broker, so the sender keeps at most one
 * request in flight and merges what callers send meanwhile (or within `lingerMs`) into the next one,
 * in call order, so per-key order holds across calls.
 */
export class RecordSender {
  private queue: Pending[] = [];
  private inFlight = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sendBatch: SendBatch,
    private readonly chosen: WeakMap<Message, number>,
    private readonly lingerMs: number,
  ) {}

  send(records: ProducerRecord[]): Promise<RecordMetadata[]> {
    if (records.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ records, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.inFlight || this.timer !== undefined || this.queue.length === 0) return;
    if (this.lingerMs <= 0) {
      void this.flush();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.lingerMs);
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.inFlight = true;
    try {
      const messages = batch.map((p) => p.records.map((r) => ({ record: r, message: toKafkajsMessage(r) })));
      const byTopic = new Map<string, Message[]>();
      for (const m of messages.flat()) {
        const list = byTopic.get(m.record.topic) ?? [];
        list.push(m.message);
        byTopic.set(m.record.topic, list);
      }
      const results = await this.sendBatch([...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })));
      const offsets = assignOffsets(byTopic, results, this.chosen);
      for (const [i, pending] of batch.entries()) {
        pending.resolve(
          (messages[i] ?? []).map(({ record, message }) => {
            const at = offsets.get(message);
            if (!at)
              throw new IotpError(KafkaErrorCodes.INVALID_STATE, 'kafkajs acknowledged a batch without a record');
            return { topic: record.topic, partition: at.partition, offset: at.offset };
          }),
        );
      }
    } catch (e) {
      for (const pending of batch) pending.reject(e);
    } finally {
      this.inFlight = false;
      this.schedule();
    }
  }
}

/** Offsets of each message: the partition's base offset plus its rank among the batch's records there. */
export function assignOffsets(
  byTopic: Map<string, Message[]>,
  results: PartitionWriteResult[],
  chosen: WeakMap<Message, number>,
): Map<Message, { partition: number; offset: string }> {
  const base = new Map<string, bigint>();
  for (const r of results)
    if (r.baseOffset !== undefined) base.set(`${r.topicName}\u0000${r.partition}`, BigInt(r.baseOffset));
  const out = new Map<Message, { partition: number; offset: string }>();
  for (const [topic, messages] of byTopic) {
    const rank = new Map<number, bigint>();
    for (const message of messages) {
      const partition = chosen.get(message);
      const first = partition === undefined ? undefined : base.get(`${topic}\u0000${partition}`);
      if (partition === undefined || first === undefined)
        throw new IotpError(KafkaErrorCodes.INVALID_STATE, `no acknowledged partition for a record of ${topic}`, {
          context: { topic },
        });
      const n = rank.get(partition) ?? 0n;
      rank.set(partition, n + 1n);
      out.set(message, { partition, offset: (first + n).toString() });
    }
  }
  return out;
}
