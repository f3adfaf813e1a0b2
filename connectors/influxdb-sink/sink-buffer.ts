import { nextOffset } from '../../lib/kafka/offsets.js';
import type { ConsumedRecord, TopicPartition, TopicPartitionOffset } from '../../lib/kafka/types.js';
import type { Point } from './point.js';

/**
 * One consumed record on its way to InfluxDB: its points and their encoded lines (usually one; none
 * when it was dead-lettered before writing, or is a tombstone). Kept until InfluxDB accepted its
 * batch, so that its offset is committed only then.
 */
export interface BufferedRecord {
  record: ConsumedRecord;
  points: Point[];
  lines: string[];
  /** When it entered the buffer (the linger clock). */
  addedAt: number;
  /**
   * What to commit once it is written, when not its offset + 1: the last record of a fetched batch
   * carries the batch's `nextOffset` (past transaction markers, so a drained partition shows no lag).
   */
  commitOffset?: string;
}

export interface SinkBufferOptions {
  /** Points per InfluxDB request (default 5000: InfluxDB's recommended 5k lines). */
  maxBatchPoints: number;
  /** Longest a point waits for a batch to fill (default 1000 ms). */
  lingerMs: number;
  /** Fetching pauses at this many buffered points, and resumes at half (default 50 000). */
  maxBufferedPoints: number;
}

export interface TakenBatch {
  entries: BufferedRecord[];
  points: Point[];
  lines: string[];
}

/**
 * The sink's bounded FIFO between Kafka and InfluxDB (pure, clock passed in):
 * - `add` never drops: it may go past `maxBufferedPoints` by one fetched batch; the caller pauses
 *   fetching when `isFull()` and resumes when `canResume()` (half full);
 * - `due(now)` when a full batch is waiting or the oldest record has lingered long enough;
 * - `take()` removes the oldest records up to `maxBatchPoints` points (at least one record);
 * - offsets to commit after a batch: `commitOffsets(batch.entries)`.
 *
 * @example
 *   buffer.add(records, clock());
 *   if (buffer.isFull()) consumer.pause(consumer.assignment());
 *   while (buffer.due(clock())) { const batch = buffer.take(); await write(batch); await commit(commitOffsets(batch.entries)); }
 */
export class SinkBuffer {
  readonly options: SinkBufferOptions;
  private readonly entries: BufferedRecord[] = [];
  private head = 0;
  private points = 0;

  constructor(options: Partial<SinkBufferOptions> = {}) {
    this.options = {
      maxBatchPoints: options.maxBatchPoints ?? 5000,
      lingerMs: options.lingerMs ?? 1000,
      maxBufferedPoints: options.maxBufferedPoints ?? 50_000,
    };
  }

  add(records: BufferedRecord[]): void {
    for (const r of records) {
      this.entries.push(r);
      this.points += r.points.length;
    }
  }

  /** Buffered points (the memory bound is on points). */
  get pointCount(): number {
    return this.points;
  }

  /** Buffered records (points + dead-lettered ones waiting for their offset's turn). */
  get recordCount(): number {
    return this.entries.length - this.head;
  }

  isFull(): boolean {
    return this.points >= this.options.maxBufferedPoints;
  }

  /**
   * Room enough to fetch again: at most half full. The gap between pausing (full) and resuming
   * (half) keeps the consumer from pausing and resuming on every batch, which stalls fetching.
   */
  canResume(): boolean {
    return this.points <= this.options.maxBufferedPoints / 2;
  }

  /** When the oldest record's linger ends; undefined when empty. */
  lingerDeadline(): number | undefined {
    const oldest = this.entries[this.head];
    return oldest === undefined ? undefined : oldest.addedAt + this.options.lingerMs;
  }

  due(now: number): boolean {
    if (this.recordCount === 0) return false;
    if (this.points >= this.options.maxBatchPoints) return true;
    return now >= (this.lingerDeadline() ?? Number.POSITIVE_INFINITY);
  }

  take(): TakenBatch {
    const batch: TakenBatch = { entries: [], points: [], lines: [] };
    while (this.head < this.entries.length) {
      const next = this.entries[this.head] as BufferedRecord;
      if (batch.entries.length > 0 && batch.points.length + next.points.length > this.options.maxBatchPoints) break;
      batch.entries.push(next);
      batch.points.push(...next.points);
      batch.lines.push(...next.lines);
      this.points -= next.points.length;
      this.head += 1;
    }
    this.compact();
    return batch;
  }

  /** Forgets the records of partitions this replica no longer owns (uncommitted: their new owner reads them again). */
  dropPartitions(partitions: TopicPartition[]): number {
    const gone = new Set(partitions.map((p) => `${p.topic}\u0000${p.partition}`));
    const kept: BufferedRecord[] = [];
    let dropped = 0;
    for (let i = this.head; i < this.entries.length; i++) {
      const e = this.entries[i] as BufferedRecord;
      if (gone.has(`${e.record.topic}\u0000${e.record.partition}`)) {
        dropped += 1;
        this.points -= e.points.length;
      } else kept.push(e);
    }
    this.entries.length = 0;
    this.entries.push(...kept);
    this.head = 0;
    return dropped;
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
  }
}

/** Per partition, the offset after the last record of `entries` (records of a partition are in offset order). */
export function commitOffsets(entries: BufferedRecord[]): TopicPartitionOffset[] {
  // No key string per entry, and one offset computed per partition (its last entry).
  const last = new Map<string, Map<number, BufferedRecord>>();
  for (const entry of entries) {
    const { topic, partition } = entry.record;
    let byPartition = last.get(topic);
    if (byPartition === undefined) {
      byPartition = new Map();
      last.set(topic, byPartition);
    }
    byPartition.set(partition, entry);
  }
  const out: TopicPartitionOffset[] = [];
  for (const [topic, byPartition] of last)
    for (const [partition, entry] of byPartition)
      out.push({ topic, partition, offset: entry.commitOffset ?? nextOffset(entry.record.offset) });
  return out;
}
