import type { Processor, ProcessorContext } from '../../processor/processor.js';
import type { StreamRecord } from '../../record.js';
import type { KeyValueStore } from '../../state/key-value-store.js';
import { requireJoinKey } from './join-inputs.js';

/**
 * Materializes a table topic (Kafka Streams' KTableSource): an update puts, a tombstone (null value)
 * deletes, and every change is forwarded (the table's changelog stream). Updates are applied in
 * offset order: an update with an older timestamp than the row it replaces still replaces it (as a
 * non-versioned Kafka Streams store does, which only logs a warning).
 */
export class KTableSourceProcessor<K, V> implements Processor<K, V | null, K, V | null> {
  private ctx!: ProcessorContext<K, V | null>;
  private store!: KeyValueStore<K, V>;

  constructor(private readonly spec: { step: string; store: string }) {}

  init(context: ProcessorContext<K, V | null>): void {
    this.ctx = context;
    this.store = context.getStateStore<KeyValueStore<K, V>>(this.spec.store);
  }

  process(record: StreamRecord<K, V | null>): void {
    requireJoinKey(record.key, this.spec.step);
    if (record.value === null || record.value === undefined) this.store.delete(record.key);
    else this.store.put(record.key, record.value, record.timestamp);
    this.ctx.forward({ ...record, value: record.value ?? null });
  }
}
