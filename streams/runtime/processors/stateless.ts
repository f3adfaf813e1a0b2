import type { Processor, ProcessorContext } from '../processor/processor.js';
import type { StreamRecord } from '../record.js';

/** One record in, zero or more out, no state: the DSL's filter/map/mapValues/flatMap/peek/merge. */
export class StatelessProcessor<KIn, VIn, KOut, VOut> implements Processor<KIn, VIn, KOut, VOut> {
  private ctx!: ProcessorContext<KOut, VOut>;

  constructor(
    private readonly fn: (record: StreamRecord<KIn, VIn>, emit: (record: StreamRecord<KOut, VOut>) => void) => void,
  ) {}

  init(context: ProcessorContext<KOut, VOut>): void {
    this.ctx = context;
  }

  process(record: StreamRecord<KIn, VIn>): void {
    this.fn(record, (out) => this.ctx.forward(out));
  }
}

/** Sends each record to the first branch whose predicate holds (or the default branch, if any). */
export class BranchProcessor<K, V> implements Processor<K, V, K, V> {
  private ctx!: ProcessorContext<K, V>;

  constructor(
    private readonly branches: readonly { child: string; predicate: (key: K, value: V) => boolean }[],
    private readonly defaultChild: string | undefined,
  ) {}

  init(context: ProcessorContext<K, V>): void {
    this.ctx = context;
  }

  process(record: StreamRecord<K, V>): void {
    for (const b of this.branches) {
      if (b.predicate(record.key, record.value)) {
        this.ctx.forward(record, b.child);
        return;
      }
    }
    if (this.defaultChild !== undefined) this.ctx.forward(record, this.defaultChild);
  }
}
