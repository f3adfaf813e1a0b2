import type { HourBucket } from '../../lib/archive/layout.js';
import type { TopicPartition } from '../../lib/kafka/types.js';
import { type RotationLimits, type RotationReason, rotationDue } from './rotation.js';

/** One row waiting in an open file: the decoded value and where it was read. */
export interface ArchiveRow {
  value: Record<string, unknown>;
  offset: bigint;
}

/** A file being filled: the rows of one (topic, partition, hour, schema), in offset order. */
export interface OpenFile extends TopicPartition {
  bucket: HourBucket;
  schemaId: number;
  rows: ArchiveRow[];
  bytes: number;
  openedAtMs: number;
}

/** A file to write now, and why it was closed. */
export interface ClosedFile extends OpenFile {
  reason: RotationReason;
}

const tpKey = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`;

/**
 * The open files of one worker, one per (topic, partition, hour): which rows go together, when a
 * file closes (records, bytes, age, a new schema id, memory), and the lowest offset still held
 * unwritten per partition (what may be committed). No I/O: the sink writes what `add`, `due` and
 * `closeAll` return.
 *
 * @example
 *   const files = new OpenFiles(limits, 500_000);
 *   const toWrite = files.add({ topic, partition }, bucket, schemaId, { value, offset: 42n }, 120, now);
 */
export class OpenFiles {
  private readonly files = new Map<string, OpenFile>();
  private rows = 0;

  constructor(
    private readonly limits: RotationLimits,
    private readonly maxBufferedRecords: number,
  ) {}

  get bufferedRecords(): number {
    return this.rows;
  }

  get openCount(): number {
    return this.files.size;
  }

  /** Adds a row; returns the files this closed (a file of another schema id, this one when full, the largest on memory pressure). */
  add(
    tp: TopicPartition,
    bucket: HourBucket,
    schemaId: number,
    row: ArchiveRow,
    bytes: number,
    nowMs: number,
  ): ClosedFile[] {
    const closed: ClosedFile[] = [];
    const key = `${tpKey(tp)}\u0000${bucket.dir}`;
    let file = this.files.get(key);
    if (file && file.schemaId !== schemaId) {
      closed.push(this.close(key, file, 'schema'));
      file = undefined;
    }
    if (!file) {
      file = { topic: tp.topic, partition: tp.partition, bucket, schemaId, rows: [], bytes: 0, openedAtMs: nowMs };
      this.files.set(key, file);
    }
    file.rows.push(row);
    file.bytes += bytes;
    this.rows += 1;
    const reason = rotationDue(
      { records: file.rows.length, bytes: file.bytes, openedAtMs: file.openedAtMs },
      this.limits,
      nowMs,
    );
    if (reason === 'records' || reason === 'bytes') closed.push(this.close(key, file, reason));
    if (this.rows > this.maxBufferedRecords) {
      const largest = [...this.files].sort((a, b) => b[1].rows.length - a[1].rows.length)[0];
      if (largest) closed.push(this.close(largest[0], largest[1], 'memory'));
    }
    return closed;
  }

  /** Closes the files open for `intervalMs` or longer (the time rotation: idle partitions included). */
  due(nowMs: number): ClosedFile[] {
    const out: ClosedFile[] = [];
    for (const [key, file] of this.files) {
      if (nowMs - file.openedAtMs >= this.limits.intervalMs) out.push(this.close(key, file, 'time'));
    }
    return out;
  }

  /** Closes every file (shutdown). */
  closeAll(): ClosedFile[] {
    return [...this.files].map(([key, file]) => this.close(key, file, 'shutdown'));
  }

  /** Forgets the files of partitions this worker no longer owns (their new owner reads the rows again). */
  drop(partitions: readonly TopicPartition[]): number {
    const gone = new Set(partitions.map(tpKey));
    let dropped = 0;
    for (const [key, file] of this.files) {
      if (!gone.has(tpKey(file))) continue;
      dropped += file.rows.length;
      this.rows -= file.rows.length;
      this.files.delete(key);
    }
    return dropped;
  }

  /** The lowest offset an open file of the partition holds: nothing from it on may be committed. */
  lowestOpenOffset(tp: TopicPartition): bigint | undefined {
    let lowest: bigint | undefined;
    const k = tpKey(tp);
    for (const file of this.files.values()) {
      const first = file.rows[0]?.offset;
      if (tpKey(file) === k && first !== undefined && (lowest === undefined || first < lowest)) lowest = first;
    }
    return lowest;
  }

  private close(key: string, file: OpenFile, reason: RotationReason): ClosedFile {
    this.files.delete(key);
    this.rows -= file.rows.length;
    return { ...file, reason };
  }
}
