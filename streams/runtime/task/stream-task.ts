import type { Logger } from 'pino';
import { DLQ_HEADERS } from '../../../lib/dead-letter/headers.js';
import { DEFAULT_MAX_RECORD_BYTES, fitDeadLetter } from '../../../lib/dead-letter/index.js';
import { ConfigError, IotpError, toIotpError } from '../../../lib/errors.js';
import { silentLogger } from '../../../lib/runtime/log.js';
import { deadLetter } from '../errors/dead-letter.js';
import { type ErrorHandlers, type ErrorStage, ErrorHandlers as Handlers } from '../errors/handlers.js';
import { changelogTopic, TASK_META_STORE } from '../names.js';
import type { Cancellable, LateInfo, Processor, ProcessorContext, PunctuationType } from '../processor/processor.js';
import type { Headers, OutputRecord, RawRecord, SourceMetadata, StreamRecord } from '../record.js';
import { isPromise, type Serde } from '../serde.js';
import type { StateStore } from '../state/state-store.js';
import type { Clock } from '../time/clock.js';
import type { NodeSpec, SourceSpec, Topology } from '../topology/topology.js';
import { PunctuationSchedule } from './punctuation-schedule.js';
import { type SubClock, type SubClockPlan, subClockPlan } from './sub-clocks.js';
import type { TaskListener } from './task-listener.js';

export interface StreamTaskOptions {
  applicationId: string;
  partition: number;
  topology: Topology;
  clock: Clock;
  lateTopic: string;
  dlqTopic: string;
  /**
   * Dead-letter and late records must fit this many bytes (the broker's bound, read at start);
   * past it their payload is cut, with its size and SHA-256 in headers. Default: the client bound.
   */
  maxDeadLetterBytes?: number;
  handlers?: Partial<ErrorHandlers>;
  /**
   * Idle rule (0 = off): once the task has read nothing for this many ms of wall-clock time, its
   * stream time becomes `streamTimeAtLastRecord + (now - wallClockAtLastRecord)` on every wall-clock
   * tick, so windows of a quiet partition still close.
   */
  idleTimeoutMs?: number;
  listener?: TaskListener;
  log?: Logger;
  /**
   * Partition count of each node's and store's sub-topology (KafkaStreams' partition plan): a task
   * builds only the sub-topologies that have its partition, so no processor or punctuator of another
   * writes to a changelog partition that does not exist. Default: every node and store.
   */
  partitionCounts?: { nodes: ReadonlyMap<string, number>; stores: ReadonlyMap<string, number> };
}

/** What a task produced since the last collect: records to send and input offsets to commit. */
export interface TaskOutput {
  /** Sink, late-record and dead-letter records. */
  readonly records: OutputRecord[];
  /** Store changelog and stream-time records (at-least-once sends them after `records`). */
  readonly changelog: OutputRecord[];
  /** Next offset to read per source topic of this task's partition. */
  readonly offsets: { topic: string; partition: number; offset: string }[];
  /** True if anything was read or produced since the previous collect. */
  readonly dirty: boolean;
}

interface NodeRuntime {
  readonly spec: NodeSpec;
  readonly processor: Processor<unknown, unknown, unknown, unknown> | undefined;
  readonly children: NodeRuntime[];
}

interface Pending {
  topic: string;
  key: unknown;
  value: unknown;
  timestamp: number;
  headers: Headers;
  keySerde: Serde<unknown>;
  valueSerde: Serde<unknown>;
  source: RawRecord | undefined;
  step: string;
}

const STREAM_TIME_KEY = Buffer.from('stream-time');
/** Task-meta keys `offset:<topic>`: the next input offset, committed atomically with the state. */
const OFFSET_KEY_PREFIX = 'offset:';
/** Task-meta keys `stream-time:<repartition topic>`: the stream time of a sub-topology reading it. */
const SUB_STREAM_TIME_PREFIX = 'stream-time:';

/**
 * One task: the topology's processors and stores for one input partition, with no I/O. The Kafka
 * runner and the TopologyTestDriver both drive it: `restore` (changelog entries), `start`, then
 * `process` per input record and `advanceWallClock` per tick, and `collect` at each commit.
 */
export class StreamTask {
  readonly taskId: string;
  readonly partition: number;
  private readonly nodes = new Map<string, NodeRuntime>();
  private readonly sources = new Map<string, NodeRuntime>();
  private readonly storeMap = new Map<string, StateStore>();
  private readonly handlers: ErrorHandlers;
  private readonly log: Logger;
  private readonly schedule = new PunctuationSchedule();
  private readonly nextExpire = new Map<string, number>();
  private readonly lastOffsets = new Map<string, string>();
  private streamTime = Number.NEGATIVE_INFINITY;
  private idleBase = Number.NEGATIVE_INFINITY;
  private punctuatedAt = Number.NEGATIVE_INFINITY;
  private persistedStreamTime = Number.NEGATIVE_INFINITY;
  /** Sub-topologies that read a repartition topic keep their own stream time (sub-clocks.ts). */
  private readonly clockPlan: SubClockPlan;
  private readonly subClocks = new Map<string, SubClock>();
  private readonly restoredOffsetMap = new Map<string, bigint>();
  private readonly offsetsLogged = new Map<string, string>();
  private lastInputWall = 0;
  private pending: Pending[] = [];
  private direct: OutputRecord[] = [];
  private current: RawRecord | undefined;
  private currentStep: string | undefined;
  private readSinceCollect = false;
  private started = false;

  constructor(private readonly options: StreamTaskOptions) {
    this.partition = options.partition;
    this.taskId = String(options.partition);
    this.handlers = { ...Handlers.defaults(), ...options.handlers };
    this.log = (options.log ?? silentLogger()).child({ task: this.taskId });
    this.clockPlan = subClockPlan(options.topology);
    for (const id of this.clockPlan.ids) {
      const start = Number.NEGATIVE_INFINITY;
      this.subClocks.set(id, { time: start, idleBase: start, punctuatedAt: start, persisted: start });
    }
    const counts = options.partitionCounts;
    const here = (count: number | undefined) => count === undefined || count > options.partition;
    for (const builder of options.topology.stores()) {
      if (!here(counts?.stores.get(builder.name))) continue;
      const store = builder.build();
      const clock = this.clockOf(this.clockPlan.clockOfStore.get(builder.name));
      store.init({
        applicationId: options.applicationId,
        partition: options.partition,
        currentStreamTimeMs: () => (clock === undefined ? this.streamTime : clock.time),
      });
      this.storeMap.set(builder.name, store);
    }
    for (const spec of options.topology.nodes()) {
      if (!here(counts?.nodes.get(spec.name))) continue;
      const node: NodeRuntime = {
        spec,
        processor: spec.kind === 'processor' ? spec.supplier() : undefined,
        children: [],
      };
      this.nodes.set(spec.name, node);
      if (spec.kind === 'source') for (const t of spec.topics) this.sources.set(t, node);
      if (spec.kind !== 'source') for (const p of spec.parents) this.nodes.get(p)?.children.push(node);
    }
  }

  /** True when the topology keeps state (its stream time is then logged too). */
  get stateful(): boolean {
    return this.storeMap.size > 0;
  }

  get stores(): ReadonlyMap<string, StateStore> {
    return this.storeMap;
  }

  currentStreamTime(): number {
    return this.streamTime;
  }

  /**
   * Next input offset per source topic as of the restored state (logged in the same transaction as
   * the state, so it is exact even when the group's committed offsets are read too early).
   */
  restoredOffsets(): ReadonlyMap<string, bigint> {
    return this.restoredOffsetMap;
  }

  /** Applies one changelog entry before `start` (store name, or TASK_META_STORE for stream time). */
  restore(storeName: string, key: Buffer | null, value: Buffer | null): void {
    if (storeName === TASK_META_STORE) {
      if (key?.equals(STREAM_TIME_KEY) && value !== null && value.length === 8) {
        this.streamTime = Math.max(this.streamTime, Number(value.readBigInt64BE(0)));
        this.idleBase = this.streamTime;
        this.persistedStreamTime = this.streamTime;
      } else if (key !== null && value !== null && value.length === 8) {
        const name = key.toString('utf8');
        if (name.startsWith(OFFSET_KEY_PREFIX))
          this.restoredOffsetMap.set(name.slice(OFFSET_KEY_PREFIX.length), value.readBigInt64BE(0));
        const clock = name.startsWith(SUB_STREAM_TIME_PREFIX)
          ? this.subClocks.get(name.slice(SUB_STREAM_TIME_PREFIX.length))
          : undefined;
        if (clock !== undefined) {
          clock.time = Math.max(clock.time, Number(value.readBigInt64BE(0)));
          clock.idleBase = clock.time;
          clock.persisted = clock.time;
        }
      }
      return;
    }
    const store = this.storeMap.get(storeName);
    if (store === undefined) throw new IotpError('STREAMS_UNKNOWN_STORE', `no store ${storeName} to restore`);
    if (key === null) return;
    store.restore(key, value);
  }

  /** Initialises processors (after restore). */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const store of this.storeMap.values()) store.restoreComplete?.();
    this.lastInputWall = this.options.clock();
    for (const node of this.nodes.values()) {
      if (node.processor?.init) {
        this.currentStep = node.spec.name;
        node.processor.init(this.contextFor(node));
      }
    }
    this.currentStep = undefined;
  }

  async process(raw: RawRecord): Promise<void> {
    const source = this.sources.get(raw.topic);
    if (source === undefined)
      throw new IotpError('STREAMS_UNKNOWN_TOPIC', `task ${this.taskId} reads no topic ${raw.topic}`, {
        context: { topic: raw.topic },
      });
    const spec = source.spec as SourceSpec;
    this.options.listener?.recordIn?.(raw.topic);
    this.lastInputWall = this.options.clock();
    this.lastOffsets.set(raw.topic, raw.offset);
    this.readSinceCollect = true;
    this.current = raw;
    this.currentStep = spec.name;
    try {
      let key: unknown;
      let value: unknown;
      let timestamp: number;
      try {
        key = spec.keySerde.deserialize(raw.key, raw.topic);
        if (isPromise(key)) key = await key;
        if (raw.value === null && spec.tombstones === true) value = null;
        else {
          value = spec.valueSerde.deserialize(raw.value, raw.topic);
          if (isPromise(value)) value = await value;
        }
        timestamp = spec.timestampExtractor(raw, value);
        if (!Number.isFinite(timestamp) || timestamp < 0)
          throw new IotpError('STREAMS_INVALID_TIMESTAMP', `timestamp ${timestamp} is not a valid event time`);
      } catch (error) {
        this.fail('deserialization', error, spec.name);
        return;
      }
      const clock = this.clockOf(this.clockPlan.clockOfNode.get(spec.name));
      if (clock === undefined) {
        if (timestamp > this.streamTime) this.streamTime = timestamp;
      } else if (timestamp > clock.time) clock.time = timestamp;
      this.idleBase = this.streamTime;
      for (const c of this.subClocks.values()) c.idleBase = c.time;
      try {
        for (const child of source.children) this.deliver(child, { key, value, timestamp, headers: raw.headers });
      } catch (error) {
        this.fail('processing', error, this.currentStep);
      }
    } finally {
      this.current = undefined;
      this.currentStep = undefined;
    }
    this.afterStreamTime();
  }

  /** Wall-clock tick: the idle rule, then wall-clock punctuators. */
  advanceWallClock(): void {
    const now = this.options.clock();
    const idle = this.options.idleTimeoutMs ?? 0;
    if (idle > 0 && Number.isFinite(this.idleBase)) {
      const quiet = now - this.lastInputWall;
      if (quiet >= idle) {
        let moved = false;
        if (this.idleBase + quiet > this.streamTime) {
          this.streamTime = this.idleBase + quiet;
          moved = true;
        }
        for (const c of this.subClocks.values())
          if (Number.isFinite(c.idleBase) && c.idleBase + quiet > c.time) {
            c.time = c.idleBase + quiet;
            moved = true;
          }
        if (moved) this.afterStreamTime();
      }
    }
    this.schedule.fire('WALL_CLOCK_TIME', now, (step, call) => this.punctuate(step, call));
  }

  /** Serializes what the task produced since the last call, with its changelog entries and offsets. */
  async collect(): Promise<TaskOutput> {
    const records = this.direct;
    this.direct = [];
    const pending = this.pending;
    this.pending = [];
    for (const p of pending) {
      try {
        let key = p.keySerde.serialize(p.key, p.topic);
        if (isPromise(key)) key = await key;
        let value = p.valueSerde.serialize(p.value, p.topic);
        if (isPromise(value)) value = await value;
        records.push({ topic: p.topic, key, value, timestamp: p.timestamp, headers: p.headers });
        this.options.listener?.recordOut?.(p.topic);
      } catch (error) {
        this.current = p.source;
        try {
          this.fail('production', error, p.step);
        } finally {
          this.current = undefined;
        }
      }
    }
    records.push(...this.direct);
    this.direct = [];
    // Changelog records carry the wall-clock time of the commit: `delete` retention on window
    // changelogs then counts from when a change was written, not from (possibly old) event time.
    const ts = this.options.clock();
    const changelog: OutputRecord[] = [];
    for (const store of this.storeMap.values()) {
      if (!store.logged) continue;
      const topic = changelogTopic(this.options.applicationId, store.name);
      for (const e of store.drainChangelog())
        changelog.push({ topic, partition: this.partition, key: e.key, value: e.value, timestamp: ts, headers: {} });
    }
    if (this.stateful && this.streamTime > this.persistedStreamTime) {
      const value = Buffer.allocUnsafe(8);
      value.writeBigInt64BE(BigInt(Math.trunc(this.streamTime)), 0);
      changelog.push({
        topic: changelogTopic(this.options.applicationId, TASK_META_STORE),
        partition: this.partition,
        key: STREAM_TIME_KEY,
        value,
        timestamp: ts,
        headers: {},
      });
      this.persistedStreamTime = this.streamTime;
    }
    for (const [id, clock] of this.stateful ? this.subClocks : []) {
      if (!(clock.time > clock.persisted)) continue;
      const value = Buffer.allocUnsafe(8);
      value.writeBigInt64BE(BigInt(Math.trunc(clock.time)), 0);
      changelog.push({
        topic: changelogTopic(this.options.applicationId, TASK_META_STORE),
        partition: this.partition,
        key: Buffer.from(`${SUB_STREAM_TIME_PREFIX}${id}`),
        value,
        timestamp: ts,
        headers: {},
      });
      clock.persisted = clock.time;
    }
    if (this.stateful) {
      for (const [topic, offset] of this.lastOffsets) {
        if (this.offsetsLogged.get(topic) === offset) continue;
        const value = Buffer.allocUnsafe(8);
        value.writeBigInt64BE(BigInt(offset) + 1n, 0);
        changelog.push({
          topic: changelogTopic(this.options.applicationId, TASK_META_STORE),
          partition: this.partition,
          key: Buffer.from(`${OFFSET_KEY_PREFIX}${topic}`),
          value,
          timestamp: ts,
          headers: {},
        });
        this.offsetsLogged.set(topic, offset);
      }
    }
    const dirty = this.readSinceCollect || records.length > 0 || changelog.length > 0;
    this.readSinceCollect = false;
    const offsets = [...this.lastOffsets].map(([topic, offset]) => ({
      topic,
      partition: this.partition,
      offset: (BigInt(offset) + 1n).toString(),
    }));
    return { records, changelog, offsets, dirty };
  }

  close(): void {
    for (const node of this.nodes.values()) node.processor?.close?.();
    for (const store of this.storeMap.values()) store.close();
    this.schedule.clear();
  }

  private deliver(node: NodeRuntime, record: StreamRecord<unknown, unknown>): void {
    const previous = this.currentStep;
    this.currentStep = node.spec.name;
    const spec = node.spec;
    if (spec.kind === 'sink') {
      this.pending.push({
        topic: spec.topic,
        key: record.key,
        value: record.value,
        timestamp: record.timestamp,
        headers: record.headers,
        keySerde: spec.keySerde,
        valueSerde: spec.valueSerde,
        source: this.current,
        step: spec.name,
      });
    } else node.processor?.process(record);
    this.currentStep = previous;
  }

  /** Runs what stream time makes due: the task's clock, then each sub-topology's own. */
  private afterStreamTime(): void {
    const { clockOfNode, clockOfStore } = this.clockPlan;
    if (this.streamTime > this.punctuatedAt) {
      this.punctuatedAt = this.streamTime;
      this.advanceClock(
        this.streamTime,
        (step) => !clockOfNode.has(step),
        (store) => !clockOfStore.has(store),
      );
    }
    for (const [id, clock] of this.subClocks) {
      if (!(clock.time > clock.punctuatedAt)) continue;
      clock.punctuatedAt = clock.time;
      this.advanceClock(
        clock.time,
        (step) => clockOfNode.get(step) === id,
        (store) => clockOfStore.get(store) === id,
      );
    }
  }

  private advanceClock(time: number, steps: (step: string) => boolean, stores: (store: string) => boolean): void {
    this.schedule.fire('STREAM_TIME', time, (step, call) => this.punctuate(step, call), steps);
    for (const store of this.storeMap.values()) {
      if (!stores(store.name)) continue;
      const due = this.nextExpire.get(store.name) ?? Number.NEGATIVE_INFINITY;
      if (time < due) continue;
      store.expire(time);
      this.nextExpire.set(store.name, time + Math.max(1, Math.floor(store.retentionMs / 10)));
    }
  }

  private clockOf(id: string | undefined): SubClock | undefined {
    return id === undefined ? undefined : this.subClocks.get(id);
  }

  /** The stream time a step sees: its sub-topology's own, or the task's. */
  private timeOfStep(step: string): number {
    const clock = this.clockOf(this.clockPlan.clockOfNode.get(step));
    return clock === undefined ? this.streamTime : clock.time;
  }

  private punctuate(step: string, call: () => void): void {
    const savedRecord = this.current;
    this.current = undefined;
    this.currentStep = step;
    try {
      call();
    } catch (error) {
      this.fail('punctuation', error, this.currentStep);
    } finally {
      this.current = savedRecord;
      this.currentStep = undefined;
    }
  }

  private fail(stage: ErrorStage, error: unknown, step: string | undefined): void {
    const raw = this.current;
    const context = raw ? { step, topic: raw.topic, partition: raw.partition, offset: raw.offset } : { step };
    const err = toIotpError(error, `STREAMS_${stage.toUpperCase()}_ERROR`, { context });
    const handler =
      stage === 'deserialization'
        ? this.handlers.deserialization
        : stage === 'production'
          ? this.handlers.production
          : this.handlers.processing;
    const source: SourceMetadata | undefined = raw
      ? { topic: raw.topic, partition: raw.partition, offset: raw.offset }
      : undefined;
    // A retriable error (registry or broker unavailable) is not bad input: never dead-letter it.
    if (err.retriable)
      throw new IotpError('STREAMS_RETRIABLE_ERROR', `${stage} at step ${step}: ${err.message}`, {
        cause: err,
        retriable: true,
        context: { ...context, code: err.code },
      });
    if (handler({ stage, error: err, step, source }) === 'FAIL')
      throw new IotpError(`STREAMS_${stage.toUpperCase()}_FAILED`, `${stage} failed at step ${step}: ${err.message}`, {
        cause: err,
        context: { ...context, code: err.code },
      });
    this.log.warn({ stage, code: err.code, reason: err.message, ...context }, 'dead letter');
    const writer = { applicationId: this.options.applicationId, taskId: this.taskId };
    const dead = deadLetter(this.options.dlqTopic, raw, stage, err, step, this.options.clock(), writer);
    this.direct.push(this.fitToKafka(dead));
    this.options.listener?.deadLetter?.(stage, step, dead.headers?.[DLQ_HEADERS.reason] ?? '');
  }

  /** A dead-letter or late record cut to fit Kafka if it must (no input can make a commit fail). */
  private fitToKafka(record: OutputRecord): OutputRecord {
    const bound = this.options.maxDeadLetterBytes ?? DEFAULT_MAX_RECORD_BYTES;
    const { record: fitted, truncated } = fitDeadLetter(record, bound);
    if (truncated) this.options.listener?.truncated?.(record.topic);
    return fitted as OutputRecord;
  }

  private late(info: LateInfo, headers: Headers | undefined): void {
    this.options.listener?.late?.(info.step);
    const raw = this.current;
    if (raw === undefined) {
      this.log.warn({ ...info }, 'late record outside record processing: counted, nothing to forward');
      return;
    }
    this.direct.push(
      this.fitToKafka({
        topic: this.options.lateTopic,
        key: raw.key,
        value: raw.value,
        timestamp: raw.timestamp,
        headers: {
          ...raw.headers,
          ...headers,
          'late.step': info.step,
          'late.stream.time': String(info.streamTime),
          'late.closed.windows': String(info.closedWindows),
          ...(info.windowEnd === undefined ? {} : { 'late.window.end': String(info.windowEnd) }),
          'source.topic': raw.topic,
          'source.partition': String(raw.partition),
          'source.offset': raw.offset,
        },
      }),
    );
  }

  private contextFor(node: NodeRuntime): ProcessorContext<unknown, unknown> {
    const spec = node.spec;
    const byName = new Map(node.children.map((c) => [c.spec.name, c]));
    const allowed = spec.kind === 'processor' ? spec.stores : [];
    return {
      applicationId: this.options.applicationId,
      taskId: this.taskId,
      partition: this.partition,
      stepName: spec.name,
      forward: (record, childName) => {
        if (childName === undefined) {
          for (const child of node.children) this.deliver(child, record);
          return;
        }
        const child = byName.get(childName);
        if (child === undefined)
          throw new IotpError('STREAMS_NO_SUCH_CHILD', `step ${spec.name} has no child ${childName}`, {
            context: { step: spec.name },
          });
        this.deliver(child, record);
      },
      getStateStore: <S extends StateStore>(name: string): S => {
        const store = this.storeMap.get(name);
        if (store === undefined || !allowed.includes(name))
          throw new ConfigError(`topology.${spec.name}.stores`, `store ${name} is not connected to step ${spec.name}`);
        return store as S;
      },
      schedule: (intervalMs: number, type: PunctuationType, callback: (ts: number) => void): Cancellable =>
        this.schedule.add(
          spec.name,
          type,
          intervalMs,
          type === 'STREAM_TIME' ? this.timeOfStep(spec.name) : this.options.clock(),
          callback,
        ),
      currentStreamTimeMs: () => this.timeOfStep(spec.name),
      currentSystemTimeMs: () => this.options.clock(),
      recordMetadata: () =>
        this.current
          ? { topic: this.current.topic, partition: this.current.partition, offset: this.current.offset }
          : undefined,
      late: (info, headers) => this.late(info, headers),
    };
  }
}
