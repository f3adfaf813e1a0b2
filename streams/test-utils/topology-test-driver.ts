import { IotpError } from '../../lib/errors.js';
import { DEFAULT_DLQ_TOPIC } from '../runtime/errors/dead-letter.js';
import type { ErrorHandlers } from '../runtime/errors/handlers.js';
import { changelogTopic, TASK_META_STORE } from '../runtime/names.js';
import type { Headers, OutputRecord } from '../runtime/record.js';
import { isPromise, type Serde } from '../runtime/serde.js';
import type { KeyValueStore } from '../runtime/state/key-value-store.js';
import type { SessionStore } from '../runtime/state/session-store.js';
import type { StateStore } from '../runtime/state/state-store.js';
import type { WindowStore } from '../runtime/state/window-store.js';
import { StreamTask } from '../runtime/task/stream-task.js';
import { ManualClock } from '../runtime/time/clock.js';
import type { Topology } from '../runtime/topology/topology.js';

export interface TopologyTestDriverOptions {
  applicationId?: string;
  /** Wall clock at start (ms); moves only with advanceWallClockTime. */
  initialWallClockMs?: number;
  idleTimeoutMs?: number;
  handlers?: Partial<ErrorHandlers>;
  lateTopic?: string;
  dlqTopic?: string;
  /** The bound dead-letter and late records must fit (default: the client bound). */
  maxDeadLetterBytes?: number;
}

/** A record read back from an output topic. */
export interface TestRecord<K, V> {
  key: K;
  value: V;
  timestamp: number;
  headers: Headers;
}

/**
 * Runs a topology in memory with no broker (Kafka Streams' TopologyTestDriver): one task (partition
 * 0), a commit after every piped record, and every produced record kept per topic, changelogs
 * included; repartition topics are read back at once. `restart()` rebuilds the task from the changelogs captured so far, as a crashed worker
 * would be restored.
 *
 * @example
 *   const driver = new TopologyTestDriver(topology);
 *   await driver.pipeInput('readings', 'dev-1', { celsius: 20 }, 60_000);
 *   driver.advanceWallClockTime(1_000);
 *   const out = await driver.readOutput<string, number>('counts');
 *   driver.close();
 */
export class TopologyTestDriver {
  readonly applicationId: string;
  readonly lateTopic: string;
  readonly dlqTopic: string;
  private readonly clock: ManualClock;
  private task: StreamTask;
  private readonly topics = new Map<string, { records: OutputRecord[]; read: number }>();
  private readonly offsets = new Map<string, number>();

  private readonly topology: Topology;

  constructor(
    topology: Topology,
    private readonly options: TopologyTestDriverOptions = {},
  ) {
    this.applicationId = options.applicationId ?? 'test-app';
    this.topology = topology.resolveInternalTopics(this.applicationId);
    this.lateTopic = options.lateTopic ?? `${this.applicationId}-late`;
    this.dlqTopic = options.dlqTopic ?? DEFAULT_DLQ_TOPIC;
    this.clock = new ManualClock(options.initialWallClockMs ?? 0);
    this.task = this.newTask();
    this.task.start();
  }

  private newTask(): StreamTask {
    return new StreamTask({
      applicationId: this.applicationId,
      partition: 0,
      topology: this.topology,
      clock: this.clock.now,
      lateTopic: this.lateTopic,
      dlqTopic: this.dlqTopic,
      maxDeadLetterBytes: this.options.maxDeadLetterBytes,
      handlers: this.options.handlers,
      idleTimeoutMs: this.options.idleTimeoutMs,
    });
  }

  /** Pipes one record, serialized with the source's serdes (or the ones given). */
  async pipeInput<K, V>(
    topic: string,
    key: K,
    value: V,
    timestamp: number,
    options: { headers?: Headers; keySerde?: Serde<K>; valueSerde?: Serde<V> } = {},
  ): Promise<void> {
    const source = this.topology.nodes().find((n) => n.kind === 'source' && n.topics.includes(topic));
    if (source?.kind !== 'source') throw new IotpError('DRIVER_UNKNOWN_TOPIC', `no source reads ${topic}`);
    const keySerde = options.keySerde ?? (source.keySerde as Serde<K>);
    const valueSerde = options.valueSerde ?? (source.valueSerde as Serde<V>);
    let k = keySerde.serialize(key, topic);
    if (isPromise(k)) k = await k;
    let v = valueSerde.serialize(value, topic);
    if (isPromise(v)) v = await v;
    await this.pipeRaw(topic, k, v, timestamp, options.headers);
  }

  /** Pipes raw bytes (to test bad input). */
  async pipeRaw(
    topic: string,
    key: Buffer | null,
    value: Buffer | null,
    timestamp: number,
    headers: Headers = {},
  ): Promise<void> {
    const offset = this.offsets.get(topic) ?? 0;
    this.offsets.set(topic, offset + 1);
    await this.task.process({ topic, partition: 0, offset: String(offset), key, value, timestamp, headers });
    await this.commit();
  }

  /** Moves the wall clock: runs the idle rule and wall-clock punctuators, then commits. */
  async advanceWallClockTime(ms: number): Promise<void> {
    this.clock.advance(ms);
    this.task.advanceWallClock();
    await this.commit();
  }

  /**
   * Collects the task's output; records written to a repartition topic are kept there and read back
   * by the task at once, in order (as Kafka Streams' driver does), until none is left.
   */
  private async commit(): Promise<void> {
    for (;;) {
      const out = await this.task.collect();
      for (const r of [...out.records, ...out.changelog]) this.topicLog(r.topic).records.push(r);
      const internal = out.records.filter((r) => this.topology.isInternalTopic(r.topic));
      if (internal.length === 0) return;
      for (const r of internal) {
        const offset = this.offsets.get(r.topic) ?? 0;
        this.offsets.set(r.topic, offset + 1);
        await this.task.process({ ...r, partition: 0, offset: String(offset) });
      }
    }
  }

  private topicLog(topic: string): { records: OutputRecord[]; read: number } {
    let log = this.topics.get(topic);
    if (log === undefined) {
      log = { records: [], read: 0 };
      this.topics.set(topic, log);
    }
    return log;
  }

  /** Records produced to `topic` not read yet, as bytes. */
  readRawOutput(topic: string): OutputRecord[] {
    const log = this.topicLog(topic);
    const out = log.records.slice(log.read);
    log.read = log.records.length;
    return out;
  }

  /** Records produced to `topic` not read yet, deserialized with the sink's serdes (or the ones given). */
  async readOutput<K, V>(
    topic: string,
    serdes: { keySerde?: Serde<K>; valueSerde?: Serde<V> } = {},
  ): Promise<TestRecord<K, V>[]> {
    const sink = this.topology.nodes().find((n) => n.kind === 'sink' && n.topic === topic);
    const keySerde = serdes.keySerde ?? (sink?.kind === 'sink' ? (sink.keySerde as Serde<K>) : undefined);
    const valueSerde = serdes.valueSerde ?? (sink?.kind === 'sink' ? (sink.valueSerde as Serde<V>) : undefined);
    if (keySerde === undefined || valueSerde === undefined)
      throw new IotpError('DRIVER_NO_SERDE', `no sink writes ${topic}: pass serdes or use readRawOutput`);
    const out: TestRecord<K, V>[] = [];
    for (const r of this.readRawOutput(topic)) {
      let key = keySerde.deserialize(r.key, topic);
      if (isPromise(key)) key = await key;
      let value = valueSerde.deserialize(r.value, topic);
      if (isPromise(value)) value = await value;
      out.push({ key, value, timestamp: r.timestamp, headers: r.headers });
    }
    return out;
  }

  /** Every record ever produced to `topic` (read or not). */
  producedTo(topic: string): readonly OutputRecord[] {
    return this.topicLog(topic).records;
  }

  /** Topics that received at least one record. */
  outputTopics(): string[] {
    return [...this.topics.keys()].filter((t) => (this.topics.get(t)?.records.length ?? 0) > 0);
  }

  getStateStore<S extends StateStore>(name: string): S {
    const store = this.task.stores.get(name);
    if (store === undefined) throw new IotpError('DRIVER_NO_STORE', `no store ${name}`);
    return store as S;
  }

  getKeyValueStore<K, V>(name: string): KeyValueStore<K, V> {
    return this.getStateStore<KeyValueStore<K, V>>(name);
  }

  getWindowStore<K, V>(name: string): WindowStore<K, V> {
    return this.getStateStore<WindowStore<K, V>>(name);
  }

  getSessionStore<K, V>(name: string): SessionStore<K, V> {
    return this.getStateStore<SessionStore<K, V>>(name);
  }

  streamTime(): number {
    return this.task.currentStreamTime();
  }

  wallClock(): number {
    return this.clock.now();
  }

  /** Replaces the task by a new one restored from every changelog record produced so far. */
  restart(): void {
    this.task.close();
    this.task = this.newTask();
    const stores = [
      ...this.topology
        .stores()
        .filter((s) => s.logged)
        .map((s) => s.name),
      TASK_META_STORE,
    ];
    for (const store of stores)
      for (const r of this.topicLog(changelogTopic(this.applicationId, store)).records)
        this.task.restore(store, r.key, r.value);
    this.task.start();
  }

  close(): void {
    this.task.close();
  }
}
