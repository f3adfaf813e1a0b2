import type { Processor, ProcessorContext } from '../../processor/processor.js';
import type { StreamRecord } from '../../record.js';
import type { JoinWindowStore } from '../../state/join-window-store.js';
import type { JoinWindows } from '../../windows/join-windows.js';
import { requireJoinKey, requireJoinValue } from './join-inputs.js';

export interface StreamStreamJoinSpec<K, VThis, VOther, VR> {
  step: string;
  /** This side's records by key and timestamp (window start = record timestamp). */
  thisStore: string;
  otherStore: string;
  /** Oriented for this side: other records at [t - before, t + after] join. */
  windows: JoinWindows;
  joiner: (thisValue: VThis, otherValue: VOther, key: K) => VR;
}

/**
 * One side of a KStream-KStream inner join (Kafka Streams' KStreamKStreamJoin): a record at `t`
 * joins every record of the other side with the same key and a timestamp in `[t - before, t + after]`
 * that the other side's store still keeps (stream time - timestamp < size + grace), in timestamp
 * order, each result with timestamp max(t, other). Then it is kept for the other side's records
 * to come, unless it is already older than the retention: then it is late (not kept, sent to the
 * late-records output and counted), though it has joined what the other side keeps, as in Kafka
 * Streams (whose window store drops it).
 */
export class StreamStreamJoinProcessor<K, VThis, VOther, VR> implements Processor<K, VThis, K, VR> {
  private ctx!: ProcessorContext<K, VR>;
  private mine!: JoinWindowStore<K, VThis>;
  private other!: JoinWindowStore<K, VOther>;

  constructor(private readonly spec: StreamStreamJoinSpec<K, VThis, VOther, VR>) {}

  init(context: ProcessorContext<K, VR>): void {
    this.ctx = context;
    this.mine = context.getStateStore<JoinWindowStore<K, VThis>>(this.spec.thisStore);
    this.other = context.getStateStore<JoinWindowStore<K, VOther>>(this.spec.otherStore);
  }

  process(record: StreamRecord<K, VThis>): void {
    const { step, windows, joiner } = this.spec;
    requireJoinKey(record.key, step);
    requireJoinValue(record.value, step);
    const t = record.timestamp;
    const streamTime = this.ctx.currentStreamTimeMs();
    const retention = windows.retentionMs();
    const oldestKept = Number.isFinite(streamTime) ? streamTime - retention + 1 : 0;
    const from = Math.max(0, t - windows.beforeMs, oldestKept);
    const to = Math.max(0, t + windows.afterMs);
    for (const o of this.other.fetch(record.key, from, to))
      this.ctx.forward({
        ...record,
        value: joiner(record.value, o.value, record.key),
        timestamp: Math.max(t, o.timestamp),
      });
    if (t < oldestKept) {
      this.ctx.late({ step, streamTime, closedWindows: 1, windowEnd: t + windows.afterMs });
      return;
    }
    this.mine.put(record.key, t, record.value);
  }
}
