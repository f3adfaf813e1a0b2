import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { DEFAULT_MAX_RECORD_BYTES, deadLetterMaxBytes, deadLetterTruncations } from '../../../lib/dead-letter/index.js';
import { ConfigError, IotpError, toIotpError } from '../../../lib/errors.js';
import type { Admin, Batch, Consumer, KafkaClient, Producer, TopicPartition } from '../../../lib/kafka/types.js';
import { silentLogger } from '../../../lib/runtime/log.js';
import { DEFAULT_DLQ_TOPIC } from '../errors/dead-letter.js';
import type { ErrorHandlers } from '../errors/handlers.js';
import { validateName } from '../names.js';
import { StreamTask } from '../task/stream-task.js';
import type { TaskListener } from '../task/task-listener.js';
import { type Clock, systemClock } from '../time/clock.js';
import type { Topology } from '../topology/topology.js';
import { ensureTopics } from './ensure-topics.js';
import { partitionCoverage } from './split-assignment.js';
import { type StreamsMetrics, streamsMetrics } from './streams-metrics.js';
import { type Guarantee, TaskRunner } from './task-runner.js';

export interface KafkaStreamsConfig {
  /** Consumer group id, changelog prefix, transactional.id prefix and metric label. */
  applicationId: string;
  client: KafkaClient;
  /** Default exactly_once. */
  guarantee?: Guarantee;
  /** Default 100 ms (exactly_once) or 1000 ms (at_least_once). */
  commitIntervalMs?: number;
  /** The idle rule (see StreamTaskOptions.idleTimeoutMs); 0 = off (default). */
  idleTimeoutMs?: number;
  /** Default `<applicationId>-late`. */
  lateTopic?: string;
  /** Default telemetry.dlq. */
  dlqTopic?: string;
  handlers?: Partial<ErrorHandlers>;
  /** How often wall-clock punctuators, the idle rule and due commits are checked (default 100 ms). */
  tickMs?: number;
  maxBatchSize?: number;
  sessionTimeoutMs?: number;
  /**
   * Assign partition p of every input topic to one instance, as Kafka Streams' task assignment does
   * (default true). False: the backend's usual assignor, which can split a join's inputs between
   * instances (then the split task does not run: docs/ARCHITECTURE.md, "Joins and repartitioning").
   */
  copartitioned?: boolean;
  /** Default 60 s. */
  transactionTimeoutMs?: number;
  registry?: Registry;
  log?: Logger;
  clock?: Clock;
  /** Called when readiness changes (false while any task restores). */
  onReadyChange?(ready: boolean): void;
  /** A fatal error: the instance has stopped processing; the process should exit and restart. */
  onError?(error: IotpError): void;
}

/** A replica that got no partition (more replicas than partitions) is ready this long after start. */
const IDLE_REPLICA_READY_MS = 10_000;

function isCommitFailure(error: unknown): boolean {
  return error instanceof IotpError && error.code === 'STREAMS_COMMIT_FAILED';
}

export type StreamsState = 'CREATED' | 'STARTING' | 'RUNNING' | 'ERROR' | 'CLOSED';

/**
 * Runs a topology on Kafka (Kafka Streams' KafkaStreams): one consumer group (= applicationId), one
 * task per input partition number (co-partitioned sources together), stores restored from their
 * changelogs before a task processes, outputs + changelog + offsets committed atomically under
 * exactly_once. Scale out by starting another instance with the same applicationId.
 *
 * @example
 *   const streams = new KafkaStreams(topology, { applicationId: 'agg-1m', client, guarantee: 'exactly_once' });
 *   await streams.start();
 *   process.on('SIGTERM', () => void streams.close());
 */
export class KafkaStreams {
  private stateValue: StreamsState = 'CREATED';
  private readonly tasks = new Map<number, TaskRunner>();
  private readonly opening = new Map<number, Promise<TaskRunner | undefined>>();
  private restoring = 0;
  private admin: Admin | undefined;
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private readonly metrics: StreamsMetrics;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly guarantee: Guarantee;
  private readonly lateTopic: string;
  private readonly dlqTopic: string;
  private maxDeadLetterBytes = DEFAULT_MAX_RECORD_BYTES;
  private readonly listener: TaskListener;
  private lastReady = false;
  private assignedOnce = false;
  private startedAt = 0;
  /** Partitions whose task lost a commit (fenced: probably moved away): partition -> when. */
  private readonly migrated = new Map<number, number>();

  private readonly topology: Topology;
  /** Partition counts per store and node (a sub-topology exists only in tasks below its count). */
  private storePartitions: ReadonlyMap<string, number> = new Map();
  private nodePartitions: ReadonlyMap<string, number> = new Map();
  private topicPartitions: ReadonlyMap<string, number> = new Map();
  /** Partition numbers whose source topics the assignor split between members: no task, paused. */
  private readonly split = new Set<number>();

  constructor(
    topology: Topology,
    private readonly config: KafkaStreamsConfig,
  ) {
    validateName('applicationId', config.applicationId);
    this.topology = topology.resolveInternalTopics(config.applicationId);
    if (topology.sourceTopics().length === 0) throw new ConfigError('topology', 'expected at least one source');
    this.guarantee = config.guarantee ?? 'exactly_once';
    if (this.guarantee !== 'exactly_once' && this.guarantee !== 'at_least_once')
      throw new ConfigError('guarantee', `expected exactly_once or at_least_once, got ${String(this.guarantee)}`);
    const registry = config.registry ?? new Registry();
    this.metrics = streamsMetrics(registry);
    this.log = (config.log ?? silentLogger()).child({ application: config.applicationId });
    this.clock = config.clock ?? systemClock;
    this.lateTopic = config.lateTopic ?? `${config.applicationId}-late`;
    this.dlqTopic = config.dlqTopic ?? DEFAULT_DLQ_TOPIC;
    const application = config.applicationId;
    const m = this.metrics;
    const truncations = deadLetterTruncations(registry);
    this.listener = {
      recordIn: (topic) => m.recordsIn.inc({ application, topic }),
      recordOut: (topic) => m.recordsOut.inc({ application, topic }),
      late: (step) => m.late.inc({ application, step }),
      deadLetter: (stage, step, reason) => m.deadLetters.inc({ application, stage, step: step ?? '', reason }),
      truncated: () => truncations.inc({ stage: 'streams' }),
    };
  }

  get state(): StreamsState {
    return this.stateValue;
  }

  /**
   * Running, joined (partitions assigned at least once, or an idle replica 10 s after start), every
   * owned task restored, and no partition number split between members (see checkCoverage).
   */
  isReady(): boolean {
    const joined = this.assignedOnce || this.clock() - this.startedAt >= IDLE_REPLICA_READY_MS;
    return this.stateValue === 'RUNNING' && this.restoring === 0 && joined && this.split.size === 0;
  }

  /** Partition numbers whose task runs in this instance. */
  assignedPartitionNumbers(): number[] {
    return [...this.tasks.keys()].sort((a, b) => a - b);
  }

  /** Partition numbers the group assignor split between this member and others (no task runs them). */
  splitPartitions(): number[] {
    return [...this.split].sort((a, b) => a - b);
  }

  private updateReady(): void {
    const ready = this.isReady();
    if (ready !== this.lastReady) {
      this.lastReady = ready;
      this.config.onReadyChange?.(ready);
    }
  }

  async start(): Promise<void> {
    if (this.stateValue !== 'CREATED') throw new IotpError('STREAMS_STATE', `cannot start in state ${this.stateValue}`);
    this.stateValue = 'STARTING';
    this.startedAt = this.clock();
    const c = this.config;
    this.admin = c.client.admin();
    await this.admin.connect();
    const topics = await ensureTopics(this.admin, this.topology, c.applicationId, {
      lateTopic: this.lateTopic,
      dlqTopic: this.dlqTopic,
    });
    this.storePartitions = topics.plan.stores;
    this.nodePartitions = topics.plan.nodes;
    this.topicPartitions = topics.plan.topics;
    this.maxDeadLetterBytes = await deadLetterMaxBytes(c.client, this.dlqTopic, this.log);
    if (this.guarantee === 'at_least_once') {
      this.producer = c.client.producer({ idempotent: true });
      await this.producer.connect();
    }
    this.consumer = c.client.consumer({
      groupId: c.applicationId,
      isolation: 'read_committed',
      autoOffsetReset: 'earliest',
      maxBatchSize: c.maxBatchSize,
      sessionTimeoutMs: c.sessionTimeoutMs,
      copartitioned: c.copartitioned ?? true,
    });
    await this.consumer.connect();
    await this.consumer.subscribe(this.topology.sourceTopics());
    this.stateValue = 'RUNNING';
    await this.consumer.run({
      eachBatch: (batch) => this.onBatch(batch),
      onAssign: (partitions) => this.onAssign(partitions),
      onRevoke: (partitions) => this.onRevoke(partitions),
    });
    this.ticker = setInterval(() => void this.onTick(), c.tickMs ?? 100);
    this.updateReady();
    this.log.info({ guarantee: this.guarantee, topics: this.topology.sourceTopics() }, 'stream runtime started');
  }

  private ownedPartitions(partitions: TopicPartition[]): number[] {
    const sources = new Set(this.topology.sourceTopics());
    return [...new Set(partitions.filter((p) => sources.has(p.topic)).map((p) => p.partition))];
  }

  /** The task of a partition: existing, being opened, or (`create`, from onAssign only) opened now. */
  private taskFor(partition: number, create = false): Promise<TaskRunner | undefined> {
    const existing = this.tasks.get(partition);
    if (existing) return Promise.resolve(existing);
    const pending = this.opening.get(partition);
    if (pending) return pending;
    // A batch of a partition with no task is stale (its task was revoked or migrated): opening one
    // here would fence the partition's new owner, so tasks are only ever opened on assignment.
    if (!create) return Promise.resolve(undefined);
    const open = this.openTask(partition).finally(() => this.opening.delete(partition));
    this.opening.set(partition, open);
    return open;
  }

  private async openTask(partition: number): Promise<TaskRunner | undefined> {
    if (this.stateValue !== 'RUNNING' || !this.admin || !this.consumer) return undefined;
    const c = this.config;
    const task = new StreamTask({
      applicationId: c.applicationId,
      partition,
      topology: this.topology,
      clock: this.clock,
      lateTopic: this.lateTopic,
      dlqTopic: this.dlqTopic,
      maxDeadLetterBytes: this.maxDeadLetterBytes,
      handlers: c.handlers,
      idleTimeoutMs: c.idleTimeoutMs,
      listener: this.listener,
      log: this.log,
      partitionCounts: { nodes: this.nodePartitions, stores: this.storePartitions },
    });
    const runner = new TaskRunner(task, {
      applicationId: c.applicationId,
      guarantee: this.guarantee,
      client: c.client,
      admin: this.admin,
      consumer: this.consumer,
      producer: this.producer,
      sourceTopics: this.topology.sourceTopics(),
      tableTopics: this.topology.tableSourceTopics(),
      commitIntervalMs: c.commitIntervalMs ?? (this.guarantee === 'exactly_once' ? 100 : 1000),
      transactionTimeoutMs: c.transactionTimeoutMs ?? 60_000,
      clock: this.clock,
      now: () => performance.now() / 1000,
      metrics: this.metrics,
      log: this.log,
    });
    this.restoring++;
    this.updateReady();
    try {
      await runner.open(
        this.topology
          .stores()
          .filter((s) => s.logged && (this.storePartitions.get(s.name) ?? Number.POSITIVE_INFINITY) > partition)
          .map((s) => s.name),
      );
    } finally {
      this.restoring--;
    }
    this.tasks.set(partition, runner);
    this.metrics.tasks.set({ application: c.applicationId }, this.tasks.size);
    this.updateReady();
    this.log.info({ partition, transactionalId: runner.transactionalId }, 'task opened');
    return runner;
  }

  /**
   * Of the given partition numbers, those whose every source topic this member holds; the others are
   * split between members by the assignor (kafkajs' RoundRobin does that with two topics): no task
   * for them (two members would run one task and fence each other, or under at-least-once keep two
   * halves of its state), their partitions paused, an error logged and readiness false, until an
   * assignment gives one member the whole partition number. See docs/ARCHITECTURE.md, "Joins and
   * repartitioning", difference 12.
   */
  private checkCoverage(
    partitions: Iterable<number>,
    change: { added?: TopicPartition[]; removed?: TopicPartition[] },
  ): number[] {
    const complete: number[] = [];
    // The seam's assignment() may or may not include the change yet (rdkafka applies it after the hook).
    const key = (tp: TopicPartition) => `${tp.topic}/${tp.partition}`;
    const removed = new Set((change.removed ?? []).map(key));
    const assigned = [...(this.consumer?.assignment() ?? []), ...(change.added ?? [])].filter(
      (tp) => !removed.has(key(tp)),
    );
    for (const c of partitionCoverage(assigned, this.topicPartitions, partitions)) {
      if (c.have.length === 0) {
        this.split.delete(c.partition);
      } else if (c.missing.length === 0) {
        if (this.split.delete(c.partition)) this.consumer?.resume(this.sourcePartitions([c.partition]));
        complete.push(c.partition);
      } else {
        if (!this.split.has(c.partition))
          this.log.error(
            { partition: c.partition, have: c.have, missing: c.missing },
            'the group assignor split this partition number between members: its task runs nowhere until one member holds it whole',
          );
        this.split.add(c.partition);
        this.consumer?.pause(c.have.map((topic) => ({ topic, partition: c.partition })));
      }
    }
    this.updateReady();
    return complete;
  }

  private async onAssign(partitions: TopicPartition[]): Promise<void> {
    const owned = this.ownedPartitions(partitions);
    const back = owned.filter((p) => this.migrated.delete(p));
    if (back.length > 0) this.consumer?.resume(this.sourcePartitions(back));
    const whole = this.checkCoverage(new Set([...owned, ...this.split]), { added: partitions });
    try {
      await Promise.all(whole.map((p) => this.taskFor(p, true)));
      this.assignedOnce = true;
      this.updateReady();
    } catch (error) {
      this.fatal(error);
    }
  }

  private async onRevoke(partitions: TopicPartition[]): Promise<void> {
    const revoked = this.ownedPartitions(partitions);
    for (const p of revoked) {
      this.migrated.delete(p);
      const runner = this.tasks.get(p);
      if (!runner) continue;
      this.tasks.delete(p);
      try {
        await runner.close(this.stateValue === 'RUNNING');
      } catch (error) {
        // A fenced or failed commit on revoke: the new owner restarts from the last committed state.
        this.log.warn({ partition: p, err: toIotpError(error, 'STREAMS_REVOKE_COMMIT') }, 'commit on revoke failed');
      }
    }
    // A partition number whose other topics this member keeps is now split (its task just closed).
    this.checkCoverage(revoked, { removed: partitions });
    this.metrics.tasks.set({ application: this.config.applicationId }, this.tasks.size);
  }

  private async onBatch(batch: Batch): Promise<void> {
    if (this.stateValue !== 'RUNNING' || batch.records.length === 0 || this.migrated.has(batch.partition)) return;
    let runner: TaskRunner | undefined;
    try {
      runner = await this.taskFor(batch.partition);
      if (runner) await runner.processBatch(batch);
    } catch (error) {
      if (runner && isCommitFailure(error)) await this.migrate(runner, error);
      else this.fatal(error);
    }
  }

  private async onTick(): Promise<void> {
    if (this.stateValue !== 'RUNNING') return;
    this.updateReady();
    const limit = 2 * (this.config.sessionTimeoutMs ?? 30_000);
    const now = this.clock();
    const assigned = new Set(this.consumer?.assignment().map((tp) => tp.partition));
    for (const [p, since] of this.migrated) {
      if (!assigned.has(p)) this.migrated.delete(p);
      else if (now - since > limit)
        return this.fatal(
          new IotpError('STREAMS_TASK_STUCK', `partition ${p} kept its assignment after its commit failed`),
        );
    }
    await Promise.all(
      [...this.tasks.values()].map(async (t) => {
        try {
          await t.tick();
        } catch (error) {
          if (isCommitFailure(error)) await this.migrate(t, error);
          else this.fatal(error);
        }
      }),
    );
  }

  /**
   * A task whose commit failed (fenced by a new owner during a rebalance, or the group moved on):
   * its uncommitted work is discarded, its partitions paused until the rebalance tells us they are
   * gone (onRevoke) or ours again (onAssign: reopened and restored from the changelog). The consumer
   * cannot rewind here, so a partition that stays assigned too long is a fatal error (restart).
   */
  private async migrate(runner: TaskRunner, error: unknown): Promise<void> {
    const p = runner.partition;
    if (this.tasks.get(p) !== runner) return;
    this.tasks.delete(p);
    this.migrated.set(p, this.clock());
    this.consumer?.pause(this.sourcePartitions([p]));
    this.log.warn(
      { partition: p, err: toIotpError(error, 'STREAMS_COMMIT_FAILED') },
      'task commit failed: closing it as migrated',
    );
    await runner.close(false).catch(() => undefined);
    this.metrics.tasks.set({ application: this.config.applicationId }, this.tasks.size);
  }

  private sourcePartitions(partitions: number[]): TopicPartition[] {
    return this.topology.sourceTopics().flatMap((topic) => partitions.map((partition) => ({ topic, partition })));
  }

  private fatal(error: unknown): void {
    if (this.stateValue === 'ERROR' || this.stateValue === 'CLOSED') return;
    this.stateValue = 'ERROR';
    const err = toIotpError(error, 'STREAMS_FATAL');
    this.log.error({ err }, 'stream runtime failed; processing stopped');
    this.updateReady();
    if (this.ticker) clearInterval(this.ticker);
    this.config.onError?.(err);
  }

  /** Stops processing, commits every task, leaves the group and disconnects. */
  async close(): Promise<void> {
    if (this.stateValue === 'CLOSED') return;
    const clean = this.stateValue === 'RUNNING';
    this.stateValue = 'CLOSED';
    this.updateReady();
    if (this.ticker) clearInterval(this.ticker);
    await Promise.allSettled(this.opening.values());
    const runners = [...this.tasks.values()];
    this.tasks.clear();
    const results = await Promise.allSettled(runners.map((r) => r.close(clean)));
    for (const r of results)
      if (r.status === 'rejected')
        this.log.warn({ err: toIotpError(r.reason, 'STREAMS_CLOSE') }, 'commit on close failed');
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
    this.log.info('stream runtime closed');
  }
}
