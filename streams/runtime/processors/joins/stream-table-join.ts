import type { Processor, ProcessorContext } from '../../processor/processor.js';
import type { StreamRecord } from '../../record.js';
import type { KeyValueStore } from '../../state/key-value-store.js';
import { requireJoinKey, requireJoinValue } from './join-inputs.js';

export interface StreamTableJoinSpec<K, V, VT, VR> {
  step: string;
  /** The table's store. */
  store: string;
  /** Left join: a stream record with no table row is joined with null. */
  left: boolean;
  joiner: (value: V, tableValue: VT | null, key: K) => VR;
}

/**
 * KStream-KTable join (Kafka Streams' KStreamKTableJoinProcessor): each stream record looks up the
 * table's current row for its key; only stream records produce output (a table update joins nothing
 * by itself), with the stream record's timestamp. Inner: no row, no output. Left: joined with null.
 * A left join forwards a null-key record joined with null (Kafka Streams 3.7+).
 */
export class StreamTableJoinProcessor<K, V, VT, VR> implements Processor<K, V, K, VR> {
  private ctx!: ProcessorContext<K, VR>;
  private table!: KeyValueStore<K, VT>;

  constructor(private readonly spec: StreamTableJoinSpec<K, V, VT, VR>) {}

  init(context: ProcessorContext<K, VR>): void {
    this.ctx = context;
    this.table = context.getStateStore<KeyValueStore<K, VT>>(this.spec.store);
  }

  process(record: StreamRecord<K, V>): void {
    const { step, left, joiner } = this.spec;
    requireJoinValue(record.value, step);
    if (record.key === null || record.key === undefined) {
      if (!left) requireJoinKey(record.key, step);
      this.ctx.forward({ ...record, value: joiner(record.value, null, record.key) });
      return;
    }
    const row = this.table.get(record.key) ?? null;
    if (row === null && !left) return;
    this.ctx.forward({ ...record, value: joiner(record.value, row, record.key) });
  }
}
