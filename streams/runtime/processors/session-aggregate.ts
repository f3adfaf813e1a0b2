import type { Processor, ProcessorContext } from '../processor/processor.js';
import type { StreamRecord } from '../record.js';
import type { SessionStore } from '../state/session-store.js';
import type { SessionWindows } from '../windows/session-windows.js';
import type { Windowed } from '../windows/window.js';
import { requireKey } from './null-key.js';
import type { EmitMode } from './window-aggregate.js';

export interface SessionAggregateSpec<K, V, A> {
  step: string;
  store: string;
  windows: SessionWindows;
  initializer: () => A;
  aggregator: (key: K, value: V, agg: A) => A;
  merger: (key: K, left: A, right: A) => A;
  emit: EmitMode;
}

/**
 * Session-window aggregation. A record joins every session of its key within the inactivity gap;
 * joined sessions merge (merger), and the record is aggregated into the merged session. A record
 * whose merged session would already be closed (stream time >= end + gap + grace) is late. In
 * `update` mode each change forwards the new session and a null value for every session merged away;
 * in `final` mode each session is emitted once when it closes and is then deleted.
 */
export class SessionAggregateProcessor<K, V, A> implements Processor<K, V, Windowed<K>, A | null> {
  private ctx!: ProcessorContext<Windowed<K>, A | null>;
  private store!: SessionStore<K, A>;
  private final = false;
  private nextClose = Number.POSITIVE_INFINITY;

  constructor(private readonly spec: SessionAggregateSpec<K, V, A>) {}

  init(context: ProcessorContext<Windowed<K>, A | null>): void {
    this.ctx = context;
    this.store = context.getStateStore<SessionStore<K, A>>(this.spec.store);
    this.final = this.spec.emit.mode === 'final';
    if (this.final) {
      for (const s of this.store.all())
        this.nextClose = Math.min(this.nextClose, this.spec.windows.closeTime(s.window));
      context.schedule(1, 'STREAM_TIME', (streamTime) => this.emitClosed(streamTime));
    }
  }

  process(record: StreamRecord<K, V>): void {
    requireKey(record.key, this.spec.step);
    const { windows } = this.spec;
    const ts = record.timestamp;
    const streamTime = this.ctx.currentStreamTimeMs();
    const overlapping = this.store.findSessions(record.key, ts - windows.gapMs, ts + windows.gapMs);
    let start = ts;
    let end = ts;
    for (const s of overlapping) {
      start = Math.min(start, s.window.start);
      end = Math.max(end, s.window.end);
    }
    if (streamTime >= windows.closeTime({ start, end })) {
      this.ctx.late({ step: this.spec.step, streamTime, closedWindows: 1, windowEnd: end });
      return;
    }
    let agg = this.spec.initializer();
    for (const s of overlapping) {
      agg = this.spec.merger(record.key, agg, s.value);
      this.store.remove(record.key, s.window);
      if (!this.final)
        this.ctx.forward({
          key: { key: record.key, window: s.window },
          value: null,
          timestamp: s.window.start,
          headers: {},
        });
    }
    agg = this.spec.aggregator(record.key, record.value, agg);
    const window = { start, end };
    this.store.put(record.key, window, agg);
    this.nextClose = Math.min(this.nextClose, windows.closeTime(window));
    if (!this.final) this.ctx.forward({ key: { key: record.key, window }, value: agg, timestamp: start, headers: {} });
  }

  private emitClosed(streamTime: number): void {
    if (streamTime < this.nextClose) return;
    const closed = [...this.store.all()]
      .filter((s) => this.spec.windows.closeTime(s.window) <= streamTime)
      .sort((a, b) => a.window.start - b.window.start);
    for (const s of closed) {
      this.ctx.forward({
        key: { key: s.key, window: s.window },
        value: s.value,
        timestamp: s.window.start,
        headers: {},
      });
      this.store.remove(s.key, s.window);
    }
    this.nextClose = Number.POSITIVE_INFINITY;
    for (const s of this.store.all()) this.nextClose = Math.min(this.nextClose, this.spec.windows.closeTime(s.window));
  }
}
