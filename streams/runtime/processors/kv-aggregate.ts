import type { Processor, ProcessorContext } from '../processor/processor.js';
import type { StreamRecord } from '../record.js';
import type { KeyValueStore } from '../state/key-value-store.js';
import { requireKey } from './null-key.js';

export interface KeyValueAggregateSpec<K, V, A> {
  step: string;
  store: string;
  aggregate: (key: K, value: V, prev: A | undefined) => A;
}

/** Aggregation per key with no window (a KTable): forwards the new aggregate on every update. */
export class KeyValueAggregateProcessor<K, V, A> implements Processor<K, V, K, A> {
  private ctx!: ProcessorContext<K, A>;
  private store!: KeyValueStore<K, A>;

  constructor(private readonly spec: KeyValueAggregateSpec<K, V, A>) {}

  init(context: ProcessorContext<K, A>): void {
    this.ctx = context;
    this.store = context.getStateStore<KeyValueStore<K, A>>(this.spec.store);
  }

  process(record: StreamRecord<K, V>): void {
    requireKey(record.key, this.spec.step);
    const next = this.spec.aggregate(record.key, record.value, this.store.get(record.key));
    this.store.put(record.key, next, record.timestamp);
    this.ctx.forward({ key: record.key, value: next, timestamp: record.timestamp, headers: record.headers });
  }
}
