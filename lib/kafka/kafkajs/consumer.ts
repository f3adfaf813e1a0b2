import { type EachBatchPayload, type Kafka, type Consumer as NativeConsumer, PartitionAssigners } from 'kafkajs';
import type { Logger } from 'pino';
import { IotpError, toIotpError } from '../../errors.js';
import { KafkaErrorCodes } from '../kafka-error.js';
import { nextOffset } from '../offsets.js';
import type { Consumer, ConsumerHandlers, ConsumerOptions, TopicPartition, TopicPartitionOffset } from '../types.js';
import { CopartitionedAssigner } from './copartitioned-assigner.js';
import { fromKafkajsError, kafkajsCall } from './errors.js';
import { toConsumedRecord } from './records.js';

const key = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`;

/**
 * Group consumer on kafkajs with manual commits (autoCommit off). What kafkajs can and cannot do:
 * - onAssign runs after kafkajs joined the group and before any batch of the new partitions.
 * - kafkajs has no revoke hook: onRevoke runs after a rebalance with the partitions this member lost,
 *   when they may already be owned elsewhere, so work not committed before is redelivered there.
 *   On `disconnect` it runs while this member still owns them, so a final commit succeeds.
 * - pause/resume act from the next fetch; a batch in progress stops at its next chunk boundary.
 * - A throwing eachBatch stops the loop (all partitions paused, nothing more resolved) and reaches
 *   `onError`; the owner should then disconnect.
 */
export class KafkajsConsumer implements Consumer {
  readonly groupId: string;
  private readonly consumer: NativeConsumer;
  private readonly assigned = new Map<string, TopicPartition>();
  private readonly paused = new Set<string>();
  private topics: string[] = [];
  private hooks: Promise<void> = Promise.resolve();
  private inFlight: Promise<void> = Promise.resolve();
  private handlers: ConsumerHandlers | undefined;
  private stopped = false;

  constructor(
    kafka: Kafka,
    private readonly options: ConsumerOptions,
    private readonly log: Logger,
  ) {
    this.groupId = options.groupId;
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      readUncommitted: options.isolation === 'read_uncommitted',
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 500,
      // RoundRobin second: a member of an older version still finds a protocol in common while
      // replicas are replaced one by one.
      ...(options.copartitioned ? { partitionAssigners: [CopartitionedAssigner, PartitionAssigners.roundRobin] } : {}),
    });
  }

  connect(): Promise<void> {
    return kafkajsCall('consumer.connect', () => this.consumer.connect(), { groupId: this.groupId });
  }

  subscribe(topics: string[]): Promise<void> {
    this.topics = [...this.topics, ...topics];
    return kafkajsCall(
      'consumer.subscribe',
      () =>
        this.consumer.subscribe({ topics, fromBeginning: (this.options.autoOffsetReset ?? 'earliest') === 'earliest' }),
      { groupId: this.groupId },
    );
  }

  run(handlers: ConsumerHandlers): Promise<void> {
    this.handlers = handlers;
    const { GROUP_JOIN, CRASH } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, (event) => this.onJoin(event.payload.memberAssignment));
    this.consumer.on(CRASH, (event) => {
      if (!event.payload.restart)
        this.fail(fromKafkajsError(event.payload.error, 'consumer.run', { groupId: this.groupId }));
    });
    return kafkajsCall(
      'consumer.run',
      () =>
        this.consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: 1,
          eachBatch: (payload) => {
            const done = this.onBatch(payload);
            this.inFlight = done;
            return done;
          },
        }),
      { groupId: this.groupId },
    );
  }

  commit(offsets: TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return Promise.resolve();
    return kafkajsCall('consumer.commit', () => this.consumer.commitOffsets(offsets), { groupId: this.groupId });
  }

  pause(partitions: TopicPartition[]): void {
    for (const tp of partitions) this.paused.add(key(tp));
    this.consumer.pause(partitions.map((tp) => ({ topic: tp.topic, partitions: [tp.partition] })));
  }

  resume(partitions: TopicPartition[]): void {
    for (const tp of partitions) this.paused.delete(key(tp));
    this.consumer.resume(partitions.map((tp) => ({ topic: tp.topic, partitions: [tp.partition] })));
  }

  assignment(): TopicPartition[] {
    return [...this.assigned.values()];
  }

  async disconnect(): Promise<void> {
    this.stopped = true;
    let hookError: unknown;
    try {
      this.pauseAll();
      await this.inFlight;
      await this.hooks;
      const owned = this.assignment();
      if (owned.length > 0 && this.handlers?.onRevoke) await this.handlers.onRevoke(owned);
    } catch (e) {
      hookError = e;
    }
    this.assigned.clear();
    await kafkajsCall('consumer.disconnect', () => this.consumer.disconnect(), { groupId: this.groupId });
    if (hookError !== undefined) throw toIotpError(hookError, KafkaErrorCodes.HANDLER_FAILED);
  }

  /** Stops fetching every subscribed topic (kafkajs refuses to pause before `run`). */
  private pauseAll(): void {
    if (this.topics.length === 0 || !this.handlers) return;
    try {
      this.consumer.pause(this.topics.map((topic) => ({ topic })));
    } catch (e) {
      this.log.debug({ err: e, groupId: this.groupId }, 'pause before the consumer ran');
    }
  }

  private onJoin(memberAssignment: Record<string, number[]>): void {
    const now = new Map<string, TopicPartition>();
    for (const [topic, partitions] of Object.entries(memberAssignment))
      for (const partition of partitions) now.set(key({ topic, partition }), { topic, partition });
    const revoked = [...this.assigned].filter(([k]) => !now.has(k)).map(([, tp]) => tp);
    const added = [...now].filter(([k]) => !this.assigned.has(k)).map(([, tp]) => tp);
    this.assigned.clear();
    for (const [k, tp] of now) this.assigned.set(k, tp);
    const handlers = this.handlers;
    this.hooks = this.hooks.then(async () => {
      try {
        if (revoked.length > 0 && handlers?.onRevoke) await handlers.onRevoke(revoked);
        if (added.length > 0 && handlers?.onAssign) await handlers.onAssign(added);
      } catch (e) {
        this.fail(toIotpError(e, KafkaErrorCodes.HANDLER_FAILED, { context: { groupId: this.groupId } }));
      }
    });
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    await this.hooks;
    const { topic, partition } = batch;
    const records = batch.messages.map((m) => toConsumedRecord(topic, partition, m));
    const size = this.options.maxBatchSize ?? records.length;
    for (let i = 0; i < records.length; i += size) {
      if (this.stopped || !isRunning() || isStale() || this.paused.has(key({ topic, partition }))) return;
      const chunk = records.slice(i, i + size);
      const last = chunk[chunk.length - 1]!;
      const isLastChunk = i + size >= records.length;
      try {
        await this.handlers?.eachBatch({
          topic,
          partition,
          records: chunk,
          highWatermark: batch.highWatermark,
          nextOffset: isLastChunk ? nextOffset(batch.lastOffset()) : nextOffset(last.offset),
        });
      } catch (e) {
        this.fail(
          new IotpError(KafkaErrorCodes.HANDLER_FAILED, `eachBatch failed on ${topic}[${partition}]`, {
            cause: e,
            context: { groupId: this.groupId, topic, partition, offset: chunk[0]?.offset },
          }),
        );
        return;
      }
      resolveOffset(last.offset);
      await heartbeat();
    }
  }

  private fail(error: IotpError): void {
    if (this.stopped) return;
    this.stopped = true;
    this.pauseAll();
    if (this.handlers?.onError) this.handlers.onError(error);
    else this.log.error({ err: error, groupId: this.groupId }, 'consumer stopped: nothing handles its error');
  }
}
