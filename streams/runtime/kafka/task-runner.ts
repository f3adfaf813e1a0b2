import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { IotpError, toIotpError } from '../../../lib/errors.js';
import { chunkRecords } from '../../../lib/kafka/chunk-records.js';
import { KafkaErrorCodes } from '../../../lib/kafka/kafka-error.js';
import { retryRetriable } from '../../../lib/kafka/retry-retriable.js';
import type {
  Admin,
  Batch,
  Consumer,
  KafkaClient,
  Producer,
  TopicPartitionOffset,
  TransactionalProducer,
} from '../../../lib/kafka/types.js';
import { changelogTopic, TASK_META_STORE } from '../names.js';
import type { OutputRecord } from '../record.js';
import type { StreamTask, TaskOutput } from '../task/stream-task.js';
import type { StreamsMetrics } from './streams-metrics.js';

export type Guarantee = 'exactly_once' | 'at_least_once';

/** Transactions tried per commit before the task gives up (STREAMS_COMMIT_FAILED). */
const TX_MAX_ATTEMPTS = 5;
/** Wait before the first retry of a transaction; doubled for each later one (0.5 + 1 + 2 + 4 s). */
const TX_RETRY_BACKOFF_MS = 500;

function isFenced(error: unknown): boolean {
  return error instanceof IotpError && error.code === KafkaErrorCodes.PRODUCER_FENCED;
}

export interface TaskRunnerDeps {
  applicationId: string;
  guarantee: Guarantee;
  client: KafkaClient;
  admin: Admin;
  consumer: Consumer;
  /** The shared idempotent producer (at-least-once). */
  producer: Producer | undefined;
  sourceTopics: string[];
  /** Table topics: caught up to their end when the task opens, before any other record (see open). */
  tableTopics?: string[];
  commitIntervalMs: number;
  transactionTimeoutMs: number;
  clock: () => number;
  /** Monotonic time in seconds for latency metrics only. */
  now: () => number;
  metrics: StreamsMetrics;
  log: Logger;
  /** Wait before the first retry of a failed transaction (default 500 ms, doubled each retry). */
  txRetryBackoffMs?: number;
}

/**
 * Runs one task against Kafka: opens (fence, restore), processes batches, commits on the commit
 * interval, closes. Every public method runs under the task's lock, so a batch, a wall-clock tick
 * and a commit never interleave.
 *
 * Exactly-once: one transactional producer per task with transactional.id
 * `<applicationId>-<first source topic>-<partition>`; a commit sends outputs + changelog records,
 * adds the input offsets (sendOffsets) and commits the transaction. Opening the producer fences a
 * zombie predecessor; the committed offsets are read after that, and records below them (already
 * processed by the predecessor) are skipped, as is any record at or below one already processed
 * (a consumer that rewinds to the committed offset on a rebalance).
 */
export class TaskRunner {
  private lock: Promise<unknown> = Promise.resolve();
  private txProducer: TransactionalProducer | undefined;
  private lastCommit = 0;
  /** Next offset to process per source topic: the committed one at open, then last processed + 1. */
  private readonly nextOffsets = new Map<string, bigint>();
  private closed = false;
  /** At-least-once: an offset commit failed (e.g. during a rebalance); retried at the next commit. */
  private offsetsPending = false;

  constructor(
    readonly task: StreamTask,
    private readonly deps: TaskRunnerDeps,
  ) {}

  get partition(): number {
    return this.task.partition;
  }

  get transactionalId(): string {
    return `${this.deps.applicationId}-${this.deps.sourceTopics[0]}-${this.partition}`;
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  /** Fences the predecessor (EOS), reads committed offsets, restores every store, starts the task. */
  open(storeNames: string[]): Promise<void> {
    return this.locked(async () => {
      const d = this.deps;
      if (d.guarantee === 'exactly_once') {
        this.txProducer = d.client.transactionalProducer({
          transactionalId: this.transactionalId,
          transactionTimeoutMs: d.transactionTimeoutMs,
          lingerMs: 5,
        });
        await this.txProducer.connect();
      }
      // Reads are idempotent: a retriable broker answer (a just-created topic's leader not yet
      // elected: NOT_LEADER_FOR_PARTITION) is asked again rather than stopping the runtime.
      const committed = await retryRetriable(() => d.admin.committedOffsets(d.applicationId, d.sourceTopics));
      for (const c of committed) if (c.partition === this.partition) this.nextOffsets.set(c.topic, BigInt(c.offset));
      for (const store of [...storeNames, ...(storeNames.length > 0 ? [TASK_META_STORE] : [])])
        await this.restore(store);
      // The offsets logged with the state win over the group's (which may lag a just-completed
      // transaction of the fenced predecessor): state and position then come from one transaction.
      for (const [topic, next] of this.task.restoredOffsets()) {
        const committed = this.nextOffsets.get(topic);
        if (committed === undefined || next > committed) this.nextOffsets.set(topic, next);
      }
      this.task.start();
      for (const topic of d.tableTopics ?? []) await this.catchUpTable(topic);
      this.lastCommit = d.clock();
    });
  }

  /**
   * Processes a table topic's partition from the task's position to its end offset at open, before
   * any other record: a table written before the stream records is complete when they are joined
   * (Kafka Streams gets there by processing the lowest timestamp first and waiting for partitions it
   * knows have data, KIP-695). The consumer delivers these records again later: they are skipped as
   * already processed. It reads the partition from its log start (the seam's replay).
   */
  private async catchUpTable(topic: string): Promise<void> {
    const d = this.deps;
    if (!(await retryRetriable(() => d.admin.topicOffsets(topic))).some((o) => o.partition === this.partition)) return;
    let processed = 0;
    await d.client.replay({
      topic,
      partitions: [this.partition],
      isolation: 'read_committed',
      onRecords: async (records) => {
        for (const r of records) {
          const offset = BigInt(r.offset);
          const next = this.nextOffsets.get(topic);
          if (next !== undefined && offset < next) continue;
          this.nextOffsets.set(topic, offset + 1n);
          await this.task.process(r);
          processed++;
        }
      },
    });
    d.log.info({ topic, partition: this.partition, records: processed }, 'table caught up before processing');
  }

  private async restore(store: string): Promise<void> {
    const d = this.deps;
    const topic = changelogTopic(d.applicationId, store);
    const labels = { application: d.applicationId, store, partition: String(this.partition) };
    const offsets = (await retryRetriable(() => d.admin.topicOffsets(topic))).find(
      (o) => o.partition === this.partition,
    );
    const total = offsets ? Number(BigInt(offsets.high) - BigInt(offsets.low)) : 0;
    let done = 0;
    d.metrics.restoreProgress.set(labels, total === 0 ? 1 : 0);
    await d.client.replay({
      topic,
      partitions: [this.partition],
      isolation: 'read_committed',
      onRecords: (records) => {
        for (const r of records) this.task.restore(store, r.key, r.value);
        done += records.length;
        d.metrics.restoredRecords.inc({ application: d.applicationId, store }, records.length);
        if (total > 0) d.metrics.restoreProgress.set(labels, Math.min(1, done / total));
      },
    });
    d.metrics.restoreProgress.set(labels, 1);
    d.log.info({ store, partition: this.partition, records: done }, 'store restored');
  }

  processBatch(batch: Batch): Promise<void> {
    return this.locked(async () => {
      if (this.closed) return;
      const d = this.deps;
      let last: string | undefined;
      for (const r of batch.records) {
        // Never a record twice: kafkajs rewinds kept partitions to the committed offset on every
        // rebalance, while this task's state already holds what it processed since.
        const offset = BigInt(r.offset);
        const next = this.nextOffsets.get(r.topic);
        if (next !== undefined && offset < next) continue;
        this.nextOffsets.set(r.topic, offset + 1n);
        const t0 = d.now();
        await this.task.process(r);
        d.metrics.processLatency.observe({ application: d.applicationId }, d.now() - t0);
        last = r.offset;
      }
      if (last !== undefined) {
        const lag = BigInt(batch.highWatermark) - BigInt(last) - 1n;
        d.metrics.lag.set(
          { application: d.applicationId, topic: batch.topic, partition: String(batch.partition) },
          Number(lag < 0n ? 0n : lag),
        );
      }
      await this.commitIfDue();
    });
  }

  /** Wall-clock tick: idle rule and punctuators, then a commit if due. */
  tick(): Promise<void> {
    return this.locked(async () => {
      if (this.closed) return;
      this.task.advanceWallClock();
      await this.commitIfDue();
    });
  }

  private async commitIfDue(): Promise<void> {
    if (this.deps.clock() - this.lastCommit >= this.deps.commitIntervalMs) await this.commitNow();
  }

  private async commitNow(): Promise<void> {
    const d = this.deps;
    this.lastCommit = d.clock();
    const out = await this.task.collect();
    if (Number.isFinite(this.task.currentStreamTime()))
      d.metrics.streamTime.set(
        { application: d.applicationId, partition: String(this.partition) },
        this.task.currentStreamTime(),
      );
    if (!out.dirty && !this.offsetsPending) return;
    const t0 = d.now();
    if (this.txProducer) await this.commitTransaction(out);
    else await this.commitAtLeastOnce(out);
    d.metrics.commits.inc({ application: d.applicationId, guarantee: d.guarantee });
    d.metrics.commitLatency.observe({ application: d.applicationId }, d.now() - t0);
  }

  /**
   * One transaction: outputs + changelog, the input offsets, commit. A failure before the commit
   * request that did not fence this producer (e.g. CONCURRENT_TRANSACTIONS while the coordinator
   * still writes the previous transaction's markers: normally milliseconds, longer on a loaded broker)
   * aborts the transaction and sends the same output again in a new one, with backoff: nothing of
   * the aborted one is visible to read_committed readers. The same producer is kept: a new one with
   * this transactional.id would fence a new owner of the partition. A fenced producer, a failed
   * abort, a failed commit request (its outcome unknown) or the last attempt is STREAMS_COMMIT_FAILED.
   */
  private async commitTransaction(out: TaskOutput): Promise<void> {
    const d = this.deps;
    const records = [...out.records, ...out.changelog];
    let attempt = 0;
    let failed: unknown;
    await retryRetriable(
      () => {
        attempt++;
        return this.attemptTransaction(records, out.offsets, attempt).catch((error: unknown) => {
          failed = error;
          throw error;
        });
      },
      {
        attempts: TX_MAX_ATTEMPTS,
        baseDelayMs: d.txRetryBackoffMs ?? TX_RETRY_BACKOFF_MS,
        maxDelayMs: Number.POSITIVE_INFINITY,
        sleep: (delayMs) => {
          d.metrics.transactionRetries.inc({ application: d.applicationId });
          d.log.warn(
            { partition: this.partition, attempt, delayMs, err: failed },
            'transaction failed before its commit: aborted, sending the same output again',
          );
          return sleep(delayMs);
        },
      },
    );
  }

  /**
   * One transaction; a failure is STREAMS_COMMIT_FAILED, retriable when it happened before the
   * commit request, the abort went through and the producer was not fenced.
   */
  private async attemptTransaction(
    records: OutputRecord[],
    offsets: TopicPartitionOffset[],
    attempt: number,
  ): Promise<void> {
    const producer = this.txProducer as TransactionalProducer;
    let committing = false;
    try {
      await producer.begin();
      for (const chunk of chunkRecords(records)) await producer.send(chunk);
      if (offsets.length > 0) await producer.sendOffsets(this.deps.consumer, offsets);
      committing = true;
      await producer.commit();
    } catch (error) {
      const aborted = await producer.abort().then(
        () => true,
        () => false,
      );
      throw new IotpError(
        'STREAMS_COMMIT_FAILED',
        `task ${this.partition}: transaction failed: ${toIotpError(error, 'KAFKA').message}`,
        {
          retriable: !committing && aborted && !isFenced(error),
          cause: error,
          context: { partition: this.partition, guarantee: 'exactly_once', attempts: attempt },
        },
      );
    }
  }

  /**
   * Outputs, then changelog (a crash in between re-emits rather than restoring a store that already
   * forgot a window whose result was never written), then offsets. A failed send is fatal (records
   * would be lost); a failed offset commit (a rebalance) only means more duplicates after a crash.
   */
  private async commitAtLeastOnce(out: TaskOutput): Promise<void> {
    const d = this.deps;
    try {
      for (const chunk of chunkRecords(out.records)) await d.producer?.send(chunk);
      for (const chunk of chunkRecords(out.changelog)) await d.producer?.send(chunk);
    } catch (error) {
      throw new IotpError(
        'STREAMS_PRODUCE_FAILED',
        `task ${this.partition}: send failed: ${toIotpError(error, 'KAFKA').message}`,
        {
          cause: error,
          context: { partition: this.partition, guarantee: 'at_least_once' },
        },
      );
    }
    try {
      if (out.offsets.length > 0) await d.consumer.commit(out.offsets);
      this.offsetsPending = false;
    } catch (error) {
      this.offsetsPending = true;
      d.log.warn(
        { partition: this.partition, err: toIotpError(error, 'KAFKA') },
        'offset commit failed; retried at the next commit',
      );
    }
  }

  /** Commits what was processed (if `commit`), then closes the task and its producer. */
  close(commit: boolean): Promise<void> {
    return this.locked(async () => {
      if (this.closed) return;
      this.closed = true;
      try {
        if (commit) await this.commitNow();
      } finally {
        this.task.close();
        await this.txProducer?.disconnect().catch(() => undefined);
      }
    });
  }
}
