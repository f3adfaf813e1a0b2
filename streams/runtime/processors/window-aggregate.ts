import type { Processor, ProcessorContext } from '../processor/processor.js';
import type { StreamRecord } from '../record.js';
import type { WindowStore } from '../state/window-store.js';
import type { TimeWindows } from '../windows/time-windows.js';
import type { Windowed } from '../windows/window.js';
import { requireKey } from './null-key.js';

export type EmitMode = { mode: 'update' | 'final' };

export interface WindowAggregateSpec<K, V, A> {
  step: string;
  store: string;
  windows: TimeWindows;
  /** `prev` is undefined for the first record of a key in a window. */
  aggregate: (key: K, value: V, prev: A | undefined) => A;
  /** Read when each task starts, so `suppress` can still change it while the topology is built. */
  emit: EmitMode;
}

/**
 * Windowed aggregation over time windows. Each record updates every window that contains it and is
 * still open; windows already closed (stream time >= end + grace) make the record late (sent to the
 * late-records output once, counted). In `final` mode a window's results are emitted once, when
 * stream time reaches its close time, and the window is then deleted from the store (both in the same
 * commit, so a restart neither loses nor repeats a final result). Results carry the window start as
 * their timestamp.
 */
export class WindowAggregateProcessor<K, V, A> implements Processor<K, V, Windowed<K>, A> {
  private ctx!: ProcessorContext<Windowed<K>, A>;
  private store!: WindowStore<K, A>;
  private final = false;

  constructor(private readonly spec: WindowAggregateSpec<K, V, A>) {}

  init(context: ProcessorContext<Windowed<K>, A>): void {
    this.ctx = context;
    this.store = context.getStateStore<WindowStore<K, A>>(this.spec.store);
    this.final = this.spec.emit.mode === 'final';
    if (this.final) context.schedule(1, 'STREAM_TIME', (streamTime) => this.emitClosed(streamTime));
  }

  process(record: StreamRecord<K, V>): void {
    requireKey(record.key, this.spec.step);
    const { windows } = this.spec;
    const streamTime = this.ctx.currentStreamTimeMs();
    let closed = 0;
    let lastClosedEnd: number | undefined;
    for (const w of windows.windowsFor(record.timestamp)) {
      if (streamTime >= windows.closeTime(w)) {
        closed++;
        lastClosedEnd = w.end;
        continue;
      }
      const next = this.spec.aggregate(record.key, record.value, this.store.fetch(record.key, w.start));
      this.store.put(record.key, w.start, next);
      if (!this.final)
        this.ctx.forward({ key: { key: record.key, window: w }, value: next, timestamp: w.start, headers: {} });
    }
    if (closed > 0)
      this.ctx.late({ step: this.spec.step, streamTime, closedWindows: closed, windowEnd: lastClosedEnd });
  }

  private emitClosed(streamTime: number): void {
    const { sizeMs, graceMs } = this.spec.windows;
    for (const start of this.store.windowStarts()) {
      const end = start + sizeMs;
      if (end + graceMs > streamTime) break;
      for (const [key, value] of this.store.fetchWindow(start))
        this.ctx.forward({ key: { key, window: { start, end } }, value, timestamp: start, headers: {} });
      this.store.deleteWindow(start);
    }
  }
}
