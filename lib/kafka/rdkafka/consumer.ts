import type { Assignment, KafkaConsumer, LibrdKafkaError, Message } from 'node-rdkafka';
import type { Logger } from 'pino';
import { IotpError, toIotpError } from '../../errors.js';
import { KafkaErrorCodes } from '../kafka-error.js';
import { nextOffset } from '../offsets.js';
import type {
  ConsumedRecord,
  Consumer,
  ConsumerHandlers,
  ConsumerOptions,
  KafkaClientConfig,
  TopicPartition,
  TopicPartitionOffset,
} from '../types.js';
import { fromRdkafkaError, rdkafkaCall, rdkafkaSync } from './errors.js';
import { loadRdkafka, rdkafkaCode } from './load.js';
import { rdkafkaBaseConfig, routeRdkafkaLogs } from './options.js';

const key = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`;
const CONSUME_TIMEOUT_MS = 100;
const DEFAULT_BATCH = 500;

interface RebalanceEvent {
  kind: 'assign' | 'revoke';
  partitions: Assignment[];
}

/** Header values as UTF-8 strings (a repeated header keeps its last value). */
export function decodeRdkafkaHeaders(headers: Message['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of headers ?? [])
    for (const [k, v] of Object.entries(h)) out[k] = typeof v === 'string' ? v : Buffer.from(v).toString('utf8');
  return out;
}

export function toConsumedRecord(m: Message): ConsumedRecord {
  return {
    topic: m.topic,
    partition: m.partition,
    offset: String(m.offset),
    key: m.key === undefined || m.key === null ? null : Buffer.isBuffer(m.key) ? m.key : Buffer.from(m.key),
    value: m.value ?? null,
    timestamp: m.timestamp ?? -1,
    headers: decodeRdkafkaHeaders(m.headers),
  };
}

/**
 * Group consumer on node-rdkafka with manual commits, the cooperative-sticky assignor and a rebalance
 * callback driven by one loop: librdkafka waits for the (incremental) assign/unassign call, which the
 * loop makes only after onAssign / onRevoke resolved. So onAssign runs before any record of the new
 * partitions is fetched, and onRevoke runs while this member still owns the partitions (a commit
 * there succeeds); records fetched before a revoke of their partition are dropped (redelivered).
 * Commits use librdkafka's synchronous commit (one broker round trip on the calling thread).
 * pause/resume act on the next fetch; records already handed to the loop are still delivered.
 */
export class RdkafkaConsumer implements Consumer {
  readonly groupId: string;
  /** The node-rdkafka consumer (the transactional producer needs it for sendOffsetsToTransaction). */
  readonly native: KafkaConsumer;
  private readonly assigned = new Map<string, TopicPartition>();
  private events: RebalanceEvent[] = [];
  private topics: string[] = [];
  private handlers: ConsumerHandlers | undefined;
  private running = false;
  private closing = false;
  private loop: Promise<void> = Promise.resolve();
  private readonly assignCode = rdkafkaCode('ERR__ASSIGN_PARTITIONS');
  private readonly revokeCode = rdkafkaCode('ERR__REVOKE_PARTITIONS');

  constructor(
    config: KafkaClientConfig,
    private readonly options: ConsumerOptions,
    private readonly log: Logger,
  ) {
    const rd = loadRdkafka();
    this.groupId = options.groupId;
    this.native = new rd.KafkaConsumer(
      {
        ...rdkafkaBaseConfig(config, log),
        'group.id': options.groupId,
        'enable.auto.commit': false,
        'enable.auto.offset.store': false,
        'isolation.level': options.isolation ?? 'read_committed',
        'session.timeout.ms': options.sessionTimeoutMs ?? 30_000,
        // Co-partitioned: librdkafka's range assignor gives partition p of every topic with the same
        // partition count and subscribers to one member (eager protocol: see apply()).
        'partition.assignment.strategy': options.copartitioned ? 'range' : 'cooperative-sticky',
        'allow.auto.create.topics': false,
        'enable.partition.eof': false,
        rebalance_cb: (err: LibrdKafkaError, assignment: Assignment[]) => this.onRebalance(err, assignment),
      },
      { 'auto.offset.reset': options.autoOffsetReset ?? 'earliest' },
    );
    this.native.setDefaultConsumeTimeout(CONSUME_TIMEOUT_MS);
    routeRdkafkaLogs(this.native, log, (e) => this.fail(fromRdkafkaError(e, 'consumer', { groupId: this.groupId })));
  }

  async connect(): Promise<void> {
    await rdkafkaCall('consumer.connect', (cb) => this.native.connect({}, cb), { groupId: this.groupId });
  }

  async subscribe(topics: string[]): Promise<void> {
    this.topics = [...new Set([...this.topics, ...topics])];
    rdkafkaSync('consumer.subscribe', () => this.native.subscribe(this.topics), { groupId: this.groupId });
  }

  async run(handlers: ConsumerHandlers): Promise<void> {
    this.handlers = handlers;
    this.running = true;
    this.loop = this.runLoop();
  }

  async commit(offsets: TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    const native = offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: Number(o.offset) }));
    rdkafkaSync('consumer.commit', () => this.native.commitSync(native), { groupId: this.groupId });
  }

  pause(partitions: TopicPartition[]): void {
    rdkafkaSync('consumer.pause', () => this.native.pause(partitions), { groupId: this.groupId });
  }

  resume(partitions: TopicPartition[]): void {
    rdkafkaSync('consumer.resume', () => this.native.resume(partitions), { groupId: this.groupId });
  }

  assignment(): TopicPartition[] {
    return [...this.assigned.values()];
  }

  async disconnect(): Promise<void> {
    this.running = false;
    await this.loop;
    let hookError: unknown;
    try {
      const owned = this.assignment();
      if (owned.length > 0 && this.handlers?.onRevoke) await this.handlers.onRevoke(owned);
    } catch (e) {
      hookError = e;
    }
    this.closing = true;
    this.assigned.clear();
    if (this.native.isConnected())
      await rdkafkaCall('consumer.disconnect', (cb) => this.native.disconnect(cb), { groupId: this.groupId });
    if (hookError !== undefined) throw toIotpError(hookError, KafkaErrorCodes.HANDLER_FAILED);
  }

  private onRebalance(err: LibrdKafkaError, assignment: Assignment[]): void {
    const kind = err.code === this.assignCode ? 'assign' : err.code === this.revokeCode ? 'revoke' : undefined;
    if (kind === undefined) {
      this.log.warn({ err, groupId: this.groupId }, 'rebalance error');
      return;
    }
    if (this.closing || !this.running) {
      // Closing (or not running the loop): no hooks, let librdkafka proceed at once.
      this.apply({ kind, partitions: assignment });
      return;
    }
    this.events.push({ kind, partitions: assignment });
  }

  private apply(event: RebalanceEvent): void {
    const op = `consumer.${event.kind}`;
    // An eager assignor (range) revokes everything, then assigns the whole new set.
    const eager = this.options.copartitioned === true;
    if (event.kind === 'assign') {
      rdkafkaSync(
        op,
        () => (eager ? this.native.assign(event.partitions) : this.native.incrementalAssign(event.partitions)),
        { groupId: this.groupId },
      );
      for (const tp of event.partitions) this.assigned.set(key(tp), { topic: tp.topic, partition: tp.partition });
    } else {
      for (const tp of event.partitions) this.assigned.delete(key(tp));
      rdkafkaSync(op, () => (eager ? this.native.unassign() : this.native.incrementalUnassign(event.partitions)), {
        groupId: this.groupId,
      });
    }
  }

  /** Runs the queued rebalance steps with their hooks; returns the partitions revoked meanwhile. */
  private async handleRebalances(): Promise<Set<string>> {
    const revoked = new Set<string>();
    while (this.events.length > 0) {
      const event = this.events.shift()!;
      const tps = event.partitions.map((tp) => ({ topic: tp.topic, partition: tp.partition }));
      if (event.kind === 'revoke') {
        for (const tp of tps) revoked.add(key(tp));
        try {
          if (this.handlers?.onRevoke && tps.length > 0) await this.handlers.onRevoke(tps);
        } finally {
          this.apply(event);
        }
      } else {
        if (this.handlers?.onAssign && tps.length > 0) await this.handlers.onAssign(tps);
        this.apply(event);
      }
    }
    return revoked;
  }

  private consumeBatch(): Promise<Message[]> {
    const size = this.options.maxBatchSize ?? DEFAULT_BATCH;
    return new Promise((resolve, reject) => {
      this.native.consume(size, (err, messages) => (err ? reject(err) : resolve(messages ?? [])));
    });
  }

  private async runLoop(): Promise<void> {
    try {
      await this.loopBody();
    } finally {
      // librdkafka waits for these calls: make them without hooks once the loop is over.
      for (const event of this.events.splice(0)) this.apply(event);
    }
  }

  private async loopBody(): Promise<void> {
    while (this.running) {
      try {
        await this.handleRebalances();
        let messages: Message[];
        try {
          messages = await this.consumeBatch();
        } catch (e) {
          const error = fromRdkafkaError(e, 'consumer.consume', { groupId: this.groupId });
          if (!error.retriable) throw error;
          this.log.warn({ err: error, groupId: this.groupId }, 'consume failed, retrying');
          continue;
        }
        const revoked = await this.handleRebalances();
        if (!this.running) return;
        await this.deliver(messages, revoked);
      } catch (e) {
        this.fail(
          e instanceof IotpError && e.code.startsWith('KAFKA_')
            ? e
            : new IotpError(KafkaErrorCodes.HANDLER_FAILED, 'consumer handler failed', {
                cause: e,
                context: { groupId: this.groupId },
              }),
        );
      }
    }
  }

  private async deliver(messages: Message[], revoked: Set<string>): Promise<void> {
    const byPartition = new Map<string, Message[]>();
    for (const m of messages) {
      const k = key(m);
      if (revoked.has(k) || !this.assigned.has(k)) continue;
      const list = byPartition.get(k) ?? [];
      list.push(m);
      byPartition.set(k, list);
    }
    for (const list of byPartition.values()) {
      if (!this.running) return;
      const first = list[0]!;
      const last = list[list.length - 1]!;
      const records = list.map(toConsumedRecord);
      try {
        await this.handlers?.eachBatch({
          topic: first.topic,
          partition: first.partition,
          records,
          highWatermark: this.highWatermark(first.topic, first.partition),
          nextOffset: nextOffset(last.offset),
        });
      } catch (e) {
        throw new IotpError(KafkaErrorCodes.HANDLER_FAILED, `eachBatch failed on ${first.topic}[${first.partition}]`, {
          cause: e,
          context: {
            groupId: this.groupId,
            topic: first.topic,
            partition: first.partition,
            offset: String(first.offset),
          },
        });
      }
    }
  }

  private highWatermark(topic: string, partition: number): string {
    try {
      return String(this.native.getWatermarkOffsets(topic, partition).highOffset);
    } catch {
      return '-1';
    }
  }

  private fail(error: IotpError): void {
    if (!this.running) return;
    this.running = false;
    if (this.handlers?.onError) this.handlers.onError(error);
    else this.log.error({ err: error, groupId: this.groupId }, 'consumer stopped: nothing handles its error');
  }
}
