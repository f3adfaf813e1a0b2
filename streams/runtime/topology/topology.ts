import { ConfigError } from '../../../lib/errors.js';
import { changelogTopic, repartitionTopic, validateName } from '../names.js';
import type { ProcessorSupplier } from '../processor/processor.js';
import type { Serde } from '../serde.js';
import type { StoreBuilder } from '../state/state-store.js';
import { recordTimestamp, type TimestampExtractor } from '../time/timestamp-extractor.js';

// Node specs erase the record types: the DSL and addProcessor keep them at the edges.
export type AnySupplier = ProcessorSupplier<unknown, unknown, unknown, unknown>;

export interface SourceSpec {
  readonly kind: 'source';
  readonly name: string;
  readonly topics: readonly string[];
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  readonly timestampExtractor: TimestampExtractor<unknown>;
  readonly children: string[];
  /** A table source: null value bytes are a tombstone (value null), not given to the value serde. */
  readonly tombstones?: boolean;
}

export interface ProcessorSpec {
  readonly kind: 'processor';
  readonly name: string;
  readonly supplier: AnySupplier;
  readonly parents: readonly string[];
  readonly children: string[];
  readonly stores: string[];
  /** Shown by describe(), e.g. the windows of an aggregation. */
  readonly description: string | undefined;
}

export interface SinkSpec {
  readonly kind: 'sink';
  readonly name: string;
  readonly topic: string;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  readonly parents: readonly string[];
}

export type NodeSpec = SourceSpec | ProcessorSpec | SinkSpec;

export interface SourceOptions<K, V> {
  keySerde: Serde<K>;
  valueSerde: Serde<V>;
  /** Default: the Kafka record timestamp. */
  timestampExtractor?: TimestampExtractor<V>;
  /** Null value bytes are a tombstone (value null) instead of input for the value serde (table sources). */
  tombstones?: boolean;
}

/**
 * An internal repartition topic: named `<name>-repartition` in the topology and
 * `<application.id>-<name>-repartition` once resolved for an application.
 */
export interface InternalTopic {
  readonly name: string;
  /** Partition count chosen by Repartitioned; default: the partition count of the writing sub-topology. */
  readonly partitions: number | undefined;
}

export interface SinkOptions<K, V> {
  keySerde: Serde<K>;
  valueSerde: Serde<V>;
}

/**
 * A graph of sources, processors and sinks plus the state stores they use (Kafka Streams' low-level
 * Topology). Node names are stable ids: store changelogs and metric labels derive from them. The
 * DSL (StreamsBuilder) builds one of these; the processor API adds nodes directly.
 *
 * @example
 *   const t = new Topology()
 *     .addSource('in', ['telemetry.temp'], { keySerde: Serdes.string(), valueSerde: Serdes.json() })
 *     .addProcessor('detect', () => new Detector(), 'in')
 *     .addStateStore(Stores.keyValue('seen', Serdes.string(), Serdes.float64(), { retentionMs: 86_400_000 }), 'detect')
 *     .addSink('out', 'telemetry.anomalies', { keySerde: Serdes.string(), valueSerde: Serdes.json() }, 'detect');
 *   console.log(t.describe());
 */
export class Topology {
  private readonly nodeMap = new Map<string, NodeSpec>();
  private readonly storeMap = new Map<string, StoreBuilder>();
  private readonly internal = new Map<string, InternalTopic>();
  private resolvedFor: string | undefined;

  addSource<K, V>(name: string, topics: string | readonly string[], options: SourceOptions<K, V>): this {
    this.checkNew(name);
    const list = typeof topics === 'string' ? [topics] : [...topics];
    if (list.length === 0) throw new ConfigError(`topology.${name}.topics`, 'expected at least one topic');
    for (const t of list)
      if (this.sourceTopics().includes(t))
        throw new ConfigError(`topology.${name}.topics`, `topic '${t}' is already read by another source`);
    this.nodeMap.set(name, {
      kind: 'source',
      name,
      topics: list,
      keySerde: options.keySerde as Serde<unknown>,
      valueSerde: options.valueSerde as Serde<unknown>,
      timestampExtractor: (options.timestampExtractor ?? recordTimestamp) as TimestampExtractor<unknown>,
      children: [],
      tombstones: options.tombstones === true,
    });
    return this;
  }

  addProcessor<KIn, VIn, KOut, VOut>(
    name: string,
    supplier: ProcessorSupplier<KIn, VIn, KOut, VOut>,
    ...parents: string[]
  ): this {
    return this.addDescribedProcessor(name, supplier, undefined, ...parents);
  }

  /** addProcessor with a line for describe() (the DSL uses it). */
  addDescribedProcessor<KIn, VIn, KOut, VOut>(
    name: string,
    supplier: ProcessorSupplier<KIn, VIn, KOut, VOut>,
    description: string | undefined,
    ...parents: string[]
  ): this {
    this.checkNew(name);
    this.linkParents(name, parents);
    this.nodeMap.set(name, {
      kind: 'processor',
      name,
      supplier: supplier as unknown as AnySupplier,
      parents,
      children: [],
      stores: [],
      description,
    });
    return this;
  }

  addSink<K, V>(name: string, topic: string, options: SinkOptions<K, V>, ...parents: string[]): this {
    this.checkNew(name);
    this.linkParents(name, parents);
    this.nodeMap.set(name, {
      kind: 'sink',
      name,
      topic,
      keySerde: options.keySerde as Serde<unknown>,
      valueSerde: options.valueSerde as Serde<unknown>,
      parents,
    });
    return this;
  }

  addStateStore(builder: StoreBuilder, ...processorNames: string[]): this {
    if (this.storeMap.has(builder.name))
      throw new ConfigError(`topology.stores.${builder.name}`, 'expected a unique store name');
    this.storeMap.set(builder.name, builder);
    return this.connectProcessorAndStateStores(builder.name, ...processorNames);
  }

  /** Gives processors access to stores added before. */
  connectProcessorAndStateStores(storeName: string, ...processorNames: string[]): this {
    if (!this.storeMap.has(storeName)) throw new ConfigError(`topology.stores.${storeName}`, 'no such store');
    for (const p of processorNames) {
      const node = this.nodeMap.get(p);
      if (node?.kind !== 'processor')
        throw new ConfigError(`topology.${p}`, `expected a processor to connect to store ${storeName}`);
      if (!node.stores.includes(storeName)) node.stores.push(storeName);
    }
    return this;
  }

  /**
   * Declares an internal repartition topic (the DSL's selectKey/groupBy/repartition): sinks and
   * sources then name it `<name>-repartition`, resolved to `<application.id>-<name>-repartition` by
   * {@link resolveInternalTopics}.
   */
  addRepartitionTopic(name: string, partitions?: number): string {
    validateName('repartition.name', name);
    if (partitions !== undefined && (!Number.isSafeInteger(partitions) || partitions <= 0))
      throw new ConfigError(`repartition.${name}.numberOfPartitions`, `expected a positive integer, got ${partitions}`);
    const topic = `${name}-repartition`;
    if (this.internal.has(topic)) throw new ConfigError(`repartition.${name}`, 'expected a unique repartition name');
    this.internal.set(topic, { name, partitions });
    return topic;
  }

  /** Internal repartition topics (resolved names once resolved). */
  internalTopics(): readonly (InternalTopic & { topic: string })[] {
    return [...this.internal].map(([topic, t]) => ({ topic, ...t }));
  }

  isInternalTopic(topic: string): boolean {
    return this.internal.has(topic);
  }

  /**
   * This topology with internal topic names resolved for an application (what KafkaStreams and the
   * test driver run). Without internal topics, or already resolved, it is returned as is.
   */
  resolveInternalTopics(applicationId: string): Topology {
    if (this.resolvedFor !== undefined) {
      if (this.resolvedFor !== applicationId)
        throw new ConfigError('applicationId', `topology already resolved for ${this.resolvedFor}`);
      return this;
    }
    if (this.internal.size === 0) return this;
    const out = new Topology();
    out.resolvedFor = applicationId;
    const rename = (topic: string): string => {
      const t = this.internal.get(topic);
      return t === undefined ? topic : repartitionTopic(applicationId, t.name);
    };
    for (const [topic, t] of this.internal) out.internal.set(rename(topic), t);
    for (const n of this.nodeMap.values()) {
      if (n.kind === 'source')
        out.nodeMap.set(n.name, { ...n, topics: n.topics.map(rename), children: [...n.children] });
      else if (n.kind === 'sink') out.nodeMap.set(n.name, { ...n, topic: rename(n.topic) });
      else out.nodeMap.set(n.name, { ...n, children: [...n.children], stores: [...n.stores] });
    }
    for (const [name, s] of this.storeMap) out.storeMap.set(name, s);
    return out;
  }

  /** Nodes in the order they were added (parents before children). */
  nodes(): readonly NodeSpec[] {
    return [...this.nodeMap.values()];
  }

  node(name: string): NodeSpec | undefined {
    return this.nodeMap.get(name);
  }

  stores(): readonly StoreBuilder[] {
    return [...this.storeMap.values()];
  }

  sourceTopics(): string[] {
    return this.nodes().flatMap((n) => (n.kind === 'source' ? [...n.topics] : []));
  }

  /** Topics read as tables (`StreamsBuilder.table`: sources whose null values are tombstones). */
  tableSourceTopics(): string[] {
    return this.nodes().flatMap((n) => (n.kind === 'source' && n.tombstones === true ? [...n.topics] : []));
  }

  /** Topics the application reads that it does not create (sources minus repartition topics). */
  externalSourceTopics(): string[] {
    return this.sourceTopics().filter((t) => !this.internal.has(t));
  }

  /** Topics the application writes that it does not create (sinks minus repartition topics). */
  externalSinkTopics(): string[] {
    return this.sinkTopics().filter((t) => !this.internal.has(t));
  }

  sinkTopics(): string[] {
    return [...new Set(this.nodes().flatMap((n) => (n.kind === 'sink' ? [n.topic] : [])))];
  }

  /** The changelog topic of every logged store. */
  changelogTopics(applicationId: string): { store: string; topic: string; config: Record<string, string> }[] {
    return this.stores()
      .filter((s) => s.logged)
      .map((s) => ({ store: s.name, topic: changelogTopic(applicationId, s.name), config: s.changelogConfig() }));
  }

  describe(applicationId = '<application.id>'): string {
    const lines = ['Topology:'];
    for (const n of this.nodes()) {
      if (n.kind === 'source') lines.push(`  Source: ${n.name} (topics: [${n.topics.join(', ')}])`);
      else if (n.kind === 'sink') lines.push(`  Sink: ${n.name} (topic: ${n.topic})`);
      else {
        const extra = n.description ? ` ${n.description}` : '';
        lines.push(`  Processor: ${n.name} (stores: [${n.stores.join(', ')}])${extra}`);
      }
      if (n.kind !== 'sink' && n.children.length > 0) lines.push(`    --> ${n.children.join(', ')}`);
      if (n.kind !== 'source') lines.push(`    <-- ${n.parents.join(', ')}`);
    }
    if (this.internal.size > 0) {
      lines.push('Repartition topics:');
      for (const [topic, t] of this.internal) {
        const full = this.resolvedFor === undefined ? repartitionTopic(applicationId, t.name) : topic;
        lines.push(`  ${full} (partitions: ${t.partitions ?? 'as the writing sub-topology'})`);
      }
    }
    if (this.storeMap.size > 0) {
      lines.push('Stores:');
      for (const s of this.stores()) {
        const log = s.logged ? `changelog ${changelogTopic(applicationId, s.name)}` : 'not logged';
        lines.push(`  ${s.name} (${s.kind}, retention ${s.retentionMs} ms, ${log})`);
      }
    }
    return lines.join('\n');
  }

  private checkNew(name: string): void {
    validateName('topology.node', name);
    if (this.nodeMap.has(name)) throw new ConfigError(`topology.${name}`, 'expected a unique step name');
  }

  private linkParents(name: string, parents: readonly string[]): void {
    if (parents.length === 0) throw new ConfigError(`topology.${name}`, 'expected at least one parent step');
    for (const p of parents) {
      const parent = this.nodeMap.get(p);
      if (parent === undefined) throw new ConfigError(`topology.${name}`, `parent step '${p}' does not exist`);
      if (parent.kind === 'sink') throw new ConfigError(`topology.${name}`, `parent step '${p}' is a sink`);
      parent.children.push(name);
    }
  }
}
