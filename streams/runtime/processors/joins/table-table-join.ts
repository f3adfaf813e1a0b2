import type { Processor, ProcessorContext } from '../../processor/processor.js';
import type { StreamRecord } from '../../record.js';
import type { TimestampedKeyValueStore } from '../../state/key-value-store.js';
import { requireJoinKey } from './join-inputs.js';

export interface TableTableJoinSpec<K, VThis, VOther, VR> {
  step: string;
  /** The other table's store. */
  otherStore: string;
  /** Called with this side's and the other side's value (the DSL orients the user's joiner). */
  joiner: (thisValue: VThis, otherValue: VOther, key: K) => VR;
}

/**
 * One side of a KTable-KTable inner join (Kafka Streams' KTableKTableInnerJoin): an update of this
 * table looks up the other table's row; none, no output. Otherwise the joined value, or a tombstone
 * (null) when this update is a tombstone, with timestamp max(this update, the other row's update).
 * Old values are not sent (Kafka Streams' sendOldValues is not supported).
 */
export class TableTableJoinProcessor<K, VThis, VOther, VR> implements Processor<K, VThis | null, K, VR | null> {
  private ctx!: ProcessorContext<K, VR | null>;
  private other!: TimestampedKeyValueStore<K, VOther>;

  constructor(private readonly spec: TableTableJoinSpec<K, VThis, VOther, VR>) {}

  init(context: ProcessorContext<K, VR | null>): void {
    this.ctx = context;
    this.other = context.getStateStore<TimestampedKeyValueStore<K, VOther>>(this.spec.otherStore);
  }

  process(record: StreamRecord<K, VThis | null>): void {
    requireJoinKey(record.key, this.spec.step);
    const row = this.other.getWithTimestamp(record.key);
    if (row === undefined) return;
    const value = record.value === null ? null : this.spec.joiner(record.value, row.value, record.key);
    this.ctx.forward({ ...record, value, timestamp: Math.max(record.timestamp, row.timestamp) });
  }
}
