import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { hourBucket } from '../../lib/archive/layout.js';
import { DLQ_HEADERS, deadLetterMaxBytes, deadLetterTruncations, fitDeadLetter } from '../../lib/dead-letter/index.js';
import { type IotpError, isRetriable, toIotpError } from '../../lib/errors.js';
import { chunkRecords } from '../../lib/kafka/chunk-records.js';
import type { Batch, ConsumedRecord, KafkaClient, ProducerRecord, TopicPartition } from '../../lib/kafka/types.js';
import { startLagReporter } from '../../lib/runtime/lag-reporter.js';
import type { Decoded } from '../../lib/serde/decoder.js';
import { createArchiveMetrics } from './archive-metrics.js';
import type { ArchiveSettings } from './archive-settings.js';
import type { ArchiveStore } from './archive-store.js';
import { ArchivedIndex } from './archived-index.js';
import { UnarchivableSchemaError } from './columns.js';
import { commitOffsetFor } from './commit-offset.js';
import { type ArchiveRejection, archiveDeadLetter, STAGE } from './dead-letter.js';
import { eventTimeOf } from './event-time.js';
import { type ClosedFile, OpenFiles } from './open-files.js';
import type { ParquetWriter } from './parquet-writer.js';
import { publishFile } from './publish-file.js';
import type { SchemaLayouts } from './schema-layouts.js';
import { createSerial } from './serial.js';

export interface ParquetSinkDeps {
  kafka: KafkaClient;
  store: ArchiveStore;
  writer: ParquetWriter;
  decode(bytes: Buffer): Promise<Decoded<unknown>>;
  layouts: SchemaLayouts;
  registry: Registry;
  log: Logger;
  setReady(ready: boolean): void;
  onFatal(error: IotpError): void;
  /** Wall clock of the time rotation (injected in tests). */
  clock?: () => number;
}

export interface RunningParquetSink {
  stop(): Promise<void>;
  stats(): { files: number; rows: number; skipped: number; deadLetters: number; open: number };
}

const tpKey = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`;

/**
 * One archive worker: consume -> decode -> open file of (partition, event hour, schema) -> on
 * rotation write the file (temp, fsync, rename) -> commit the offsets before the first row still
 * open. Exactly once, as Kafka Connect's S3 sink: a file is published before its offsets are
 * committed, names are deterministic, and after a restart the records a published file of their
 * hour already holds are skipped (the archive is read back on assignment), so no row is lost or
 * written twice whatever the file boundaries of the second run. Bad records go to the dead-letter
 * topic before their offsets can be committed.
 *
 * @example
 *   const sink = await startParquetSink(settings, { kafka, store, writer, decode, layouts, registry, log, setReady, onFatal });
 */
export async function startParquetSink(settings: ArchiveSettings, deps: ParquetSinkDeps): Promise<RunningParquetSink> {
  const clock = deps.clock ?? Date.now;
  const log = deps.log.child({ groupId: settings.groupId, replica: settings.replicaId });
  const metrics = createArchiveMetrics(deps.registry);
  const serial = createSerial();
  const files = new OpenFiles(settings.rotation, settings.maxBufferedRecords);
  const indexes = new Map<string, ArchivedIndex>();
  const processed = new Map<string, { tp: TopicPartition; next: bigint }>();
  const committed = new Map<string, bigint>();
  const counts = { files: 0, rows: 0, skipped: 0, deadLetters: 0 };
  let stopping = false;
  let fatal: IotpError | undefined;

  const removed = await deps.store.cleanTemp();
  if (removed > 0) log.info({ removed }, 'removed temp files a previous run left');

  const consumer = deps.kafka.consumer({
    groupId: settings.groupId,
    isolation: 'read_committed',
    sessionTimeoutMs: settings.sessionTimeoutMs,
    maxBatchSize: 2000,
  });
  const producer = deps.kafka.producer();
  const admin = deps.kafka.admin();
  await Promise.all([producer.connect(), admin.connect(), consumer.connect()]);
  const maxDeadLetterBytes = await deadLetterMaxBytes(deps.kafka, settings.dlqTopic, log);
  const truncations = deadLetterTruncations(deps.registry);

  const fail = (error: unknown) => {
    if (fatal) return;
    fatal = toIotpError(error, 'ARCHIVE_FAILED');
    deps.setReady(false);
    log.error({ err: fatal }, 'archive sink cannot go on');
    deps.onFatal(fatal);
  };

  const sendDeadLetters = async (records: ProducerRecord[]) => {
    if (records.length === 0) return;
    const fitted = records.map((r) => {
      const { record, truncated } = fitDeadLetter(r, maxDeadLetterBytes);
      if (truncated) truncations.inc({ stage: STAGE });
      return record;
    });
    for (const chunk of chunkRecords(fitted, maxDeadLetterBytes)) await producer.send(chunk);
    counts.deadLetters += records.length;
  };

  const decode = async (bytes: Buffer): Promise<Decoded<unknown>> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await deps.decode(bytes);
      } catch (error) {
        if (!isRetriable(error) || attempt >= settings.maxRetries) throw error;
        log.warn({ err: error, attempt }, 'decoding failed (retriable), retrying');
        await sleep(Math.min(30_000, 200 * 2 ** attempt));
      }
    }
  };

  const writeFiles = async (closed: ClosedFile[]) => {
    for (const file of closed) {
      const published = await publishFile(file, {
        layout: deps.layouts.get(file.schemaId),
        writer: deps.writer,
        store: deps.store,
        options: settings.file,
      });
      counts.files += 1;
      counts.rows += published.rows;
      metrics.files.inc({ topic: file.topic, reason: file.reason });
      metrics.fileBytes.inc({ topic: file.topic }, published.bytes);
      metrics.recordsOut.inc({ topic: file.topic }, published.rows);
      log.debug(
        { path: published.relPath, rows: published.rows, bytes: published.bytes, reason: file.reason },
        'file published',
      );
    }
    metrics.openRecords.set(files.bufferedRecords);
  };

  const commit = async () => {
    const owned = new Set(consumer.assignment().map(tpKey));
    const offsets: { topic: string; partition: number; offset: string }[] = [];
    for (const [key, { tp, next }] of processed) {
      if (!owned.has(key)) continue;
      const offset = commitOffsetFor({
        processedNext: next,
        lowestOpen: files.lowestOpenOffset(tp),
        committed: committed.get(key),
      });
      if (offset !== undefined) offsets.push({ ...tp, offset: String(offset) });
    }
    if (offsets.length === 0) return;
    try {
      await consumer.commit(offsets);
      for (const o of offsets) committed.set(tpKey(o), BigInt(o.offset));
    } catch (error) {
      // Not fatal: the files are published; a later commit covers them, or the records are skipped on replay.
      log.warn({ err: error }, 'offset commit failed');
    }
  };

  const indexFor = async (tp: TopicPartition, fromOffset: bigint): Promise<ArchivedIndex> => {
    const key = tpKey(tp);
    let index = indexes.get(key);
    if (!index) {
      index = ArchivedIndex.of(await deps.store.listPartition(tp.topic, tp.partition), fromOffset);
      indexes.set(key, index);
      if (index.size > 0)
        log.info(
          { ...tp, fromOffset: String(fromOffset), files: index.size },
          'archived files ahead of the committed offset: their records are skipped',
        );
    }
    return index;
  };

  const reject = (record: ConsumedRecord, rejection: ArchiveRejection, dead: ProducerRecord[]) => {
    metrics.deadLetters.inc({ reason: rejection.reason });
    log.debug(
      {
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        reason: rejection.reason,
        code: rejection.code,
      },
      'record dead-lettered',
    );
    dead.push(
      archiveDeadLetter(record, rejection, { topic: settings.dlqTopic, source: settings.replicaId, nowMs: clock() }),
    );
  };

  const route = async (record: ConsumedRecord, index: ArchivedIndex, dead: ProducerRecord[], closed: ClosedFile[]) => {
    if (record.value === null) {
      reject(
        record,
        { reason: 'DESERIALIZATION_FAILED', code: 'ARCHIVE_NULL_VALUE', message: 'the record has no value' },
        dead,
      );
      return;
    }
    let decoded: Decoded<unknown>;
    try {
      decoded = await decode(record.value);
    } catch (error) {
      if (isRetriable(error)) throw error;
      const e = toIotpError(error, 'SERDE_CORRUPT_BODY');
      reject(record, { reason: 'DESERIALIZATION_FAILED', code: e.code, message: e.message }, dead);
      return;
    }
    let layout: Awaited<ReturnType<SchemaLayouts['layoutFor']>>;
    try {
      layout = await deps.layouts.layoutFor(record.topic, decoded.schemaId);
    } catch (error) {
      if (!(error instanceof UnarchivableSchemaError)) throw error;
      reject(record, { reason: 'UNARCHIVABLE', code: 'ARCHIVE_SCHEMA', message: error.message }, dead);
      return;
    }
    const value = decoded.value as Record<string, unknown>;
    const eventTime = eventTimeOf(value, layout.timeColumn, record.timestamp);
    if (eventTime === undefined) {
      const column = layout.timeColumn?.name ?? 'record timestamp';
      reject(
        record,
        { reason: 'UNARCHIVABLE', code: 'ARCHIVE_NO_EVENT_TIME', message: `no event time in 1970..9999 (${column})` },
        dead,
      );
      return;
    }
    const bucket = hourBucket(eventTime);
    const offset = BigInt(record.offset);
    if (index.covers(bucket.dir, offset)) {
      counts.skipped += 1;
      metrics.skipped.inc({ topic: record.topic });
      return;
    }
    closed.push(...files.add(record, bucket, decoded.schemaId, { value, offset }, record.value.byteLength, clock()));
  };

  const onBatch = (batch: Batch) =>
    serial(async () => {
      if (fatal) throw fatal;
      const first = batch.records[0];
      if (!first) return;
      metrics.recordsIn.inc({ topic: batch.topic }, batch.records.length);
      const tp = { topic: batch.topic, partition: batch.partition };
      const index = await indexFor(tp, BigInt(first.offset));
      const dead: ProducerRecord[] = [];
      const closed: ClosedFile[] = [];
      for (const record of batch.records) await route(record, index, dead, closed);
      const last = batch.records[batch.records.length - 1] as ConsumedRecord;
      processed.set(tpKey(tp), { tp, next: BigInt(batch.nextOffset ?? String(BigInt(last.offset) + 1n)) });
      if (dead.length > 0) {
        const first = dead[0]?.headers ?? {};
        // One line per batch, not per record: a stretch of undecodable records (a registry that lost
        // its ids) would flood the log. Each dead letter carries its own headers.
        log.warn(
          {
            ...tp,
            count: dead.length,
            reason: first[DLQ_HEADERS.reason],
            code: first[DLQ_HEADERS.code],
            firstOffset: first[DLQ_HEADERS.sourceOffset],
          },
          'records dead-lettered',
        );
      }
      // Durable in the dead-letter topic and in published files before their offsets are committed.
      await sendDeadLetters(dead);
      await writeFiles(closed);
      await commit();
    });

  const rotate = () =>
    serial(async () => {
      if (fatal) return;
      const closed = files.due(clock());
      if (closed.length === 0) return;
      await writeFiles(closed);
      await commit();
    }).catch(fail);
  const tickMs = Math.max(100, Math.min(1000, Math.floor(settings.rotation.intervalMs / 4)));
  const ticker = setInterval(() => void rotate(), tickMs);

  const lag = startLagReporter({
    admin,
    groupId: settings.groupId,
    topics: settings.topics,
    registry: deps.registry,
    log,
    intervalMs: settings.lagIntervalMs,
  });

  await consumer.subscribe(settings.topics);
  await consumer.run({
    eachBatch: onBatch,
    onAssign: async (partitions) => {
      log.info({ partitions: partitions.length }, 'partitions assigned');
    },
    onRevoke: (partitions) =>
      serial(async () => {
        const dropped = files.drop(partitions);
        for (const tp of partitions) {
          indexes.delete(tpKey(tp));
          processed.delete(tpKey(tp));
          committed.delete(tpKey(tp));
        }
        metrics.openRecords.set(files.bufferedRecords);
        log.info(
          { partitions: partitions.length, dropped },
          'partitions revoked (unwritten rows go to their new owner)',
        );
      }),
    onError: fail,
  });
  deps.setReady(true);
  log.info({ topics: settings.topics, root: deps.store.location }, 'archive sink running');

  return {
    stats: () => ({ ...counts, open: files.bufferedRecords }),
    async stop() {
      stopping = true;
      deps.setReady(false);
      clearInterval(ticker);
      consumer.pause(consumer.assignment());
      await serial(async () => {
        if (fatal) return;
        await writeFiles(files.closeAll());
        await commit();
      }).catch((error: unknown) => log.warn({ err: error }, 'last flush failed; unwritten records stay uncommitted'));
      lag.stop();
      const errors: unknown[] = [];
      for (const close of [() => consumer.disconnect(), () => producer.disconnect(), () => admin.disconnect()])
        await close().catch((e: unknown) => errors.push(e));
      deps.writer.close();
      if (errors.length > 0) throw toIotpError(errors[0], 'ARCHIVE_STOP_FAILED');
      log.info({ stopping, ...counts }, 'archive sink stopped');
    },
  };
}
