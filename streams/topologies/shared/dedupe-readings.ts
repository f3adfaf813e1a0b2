import type { KStream } from '../../runtime/dsl/kstream.js';
import type { StreamsBuilder } from '../../runtime/dsl/streams-builder.js';
import type { Processor, ProcessorContext } from '../../runtime/processor/processor.js';
import type { StreamRecord } from '../../runtime/record.js';
import { Serdes } from '../../runtime/serde.js';
import type { KeyValueStore } from '../../runtime/state/key-value-store.js';
import { Stores } from '../../runtime/state/stores.js';
import { observeTimestamp, type SeenTimestamps, seenTimestampsSerde } from './seen-timestamps.js';

/**
 * One reading type's dedupe step. A reading is identified by (deviceId = the record key, event
 * time = the record timestamp), as InfluxDB identifies a point.
 */
export interface DedupeSpec {
  /** The reading type: step `<type>-dedupe`, store `<type>-seen`, metric label. */
  type: string;
  /**
   * How far behind a device's latest reading a copy is still recognized: for the aggregate, the
   * largest (size + grace) of the route's windows, beyond which every window refuses it as late.
   */
  horizonMs: number;
  /** Called for each copy dropped (the metric and debug log). */
  onDuplicate?(type: string, deviceId: string, ts: number): void;
}

/** Store of a reading type's seen event times, per device: `<type>-seen`. */
export function dedupeStoreName(type: string): string {
  return `${type}-seen`;
}

/** Step name of a reading type's dedupe: `<type>-dedupe`. */
export function dedupeStepName(type: string): string {
  return `${type}-dedupe`;
}

/**
 * Drops a reading whose (key, timestamp) this task already forwarded (Kafka Streams' deduplication
 * transformer, keyed by event time): per device, the store `<type>-seen` holds the event times seen
 * within the horizon of the device's latest (see {@link observeTimestamp}). The store is the
 * task's like any other: changelogged, restored, and under exactly-once committed in the same
 * transaction as the windows it protects. A device silent for the horizon (stream time) is deleted
 * by the store's retention. A reading with a null key or a timestamp that is not an integer is
 * passed on (the windows dead-letter a null key).
 */
export class DedupeProcessor<V> implements Processor<string, V, string, V> {
  private ctx!: ProcessorContext<string, V>;
  private store!: KeyValueStore<string, SeenTimestamps>;

  constructor(private readonly spec: DedupeSpec) {}

  init(context: ProcessorContext<string, V>): void {
    this.ctx = context;
    this.store = context.getStateStore<KeyValueStore<string, SeenTimestamps>>(dedupeStoreName(this.spec.type));
  }

  process(record: StreamRecord<string, V>): void {
    const { key, timestamp } = record;
    if (typeof key !== 'string' || !Number.isSafeInteger(timestamp)) {
      this.ctx.forward(record);
      return;
    }
    const seen = this.store.get(key) ?? [];
    const verdict = observeTimestamp(seen, timestamp, this.spec.horizonMs);
    if (verdict === 'duplicate') {
      this.spec.onDuplicate?.(this.spec.type, key, timestamp);
      return;
    }
    if (verdict === 'new') this.store.put(key, seen, seen[seen.length - 1]);
    this.ctx.forward(record);
  }
}

/**
 * Adds the dedupe step of `spec.type` after `stream` and its store to the builder; returns the
 * stream of readings seen for the first time.
 *
 * @example
 *   const once = dedupeReadings(builder, values, { type: 'environment', horizonMs: 3_720_000 });
 */
export function dedupeReadings<V>(
  builder: StreamsBuilder,
  stream: KStream<string, V>,
  spec: DedupeSpec,
): KStream<string, V> {
  const store = dedupeStoreName(spec.type);
  builder.addStateStore(Stores.keyValue(store, Serdes.string(), seenTimestampsSerde, { retentionMs: spec.horizonMs }));
  return stream.process<string, V>(() => new DedupeProcessor<V>(spec), {
    name: dedupeStepName(spec.type),
    stores: [store],
  });
}
