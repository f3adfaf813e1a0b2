import type { Headers, SourceMetadata, StreamRecord } from '../record.js';
import type { StateStore } from '../state/state-store.js';

/** STREAM_TIME punctuators fire as event time advances; WALL_CLOCK_TIME ones on the (injected) clock. */
export type PunctuationType = 'STREAM_TIME' | 'WALL_CLOCK_TIME';

export interface Cancellable {
  cancel(): void;
}

/** Why a record was late, for the late-records output and its headers. */
export interface LateInfo {
  /** The step that refused the record. */
  readonly step: string;
  readonly streamTime: number;
  /** How many of the record's windows were already closed. */
  readonly closedWindows: number;
  readonly windowEnd?: number;
}

/**
 * What a processor may do while it runs inside a task.
 *
 * @example
 *   init(ctx) {
 *     this.store = ctx.getStateStore<KeyValueStore<string, number>>('last-seen');
 *     ctx.schedule(10_000, 'WALL_CLOCK_TIME', (now) => this.checkSilence(now));
 *   }
 */
export interface ProcessorContext<KOut = unknown, VOut = unknown> {
  readonly applicationId: string;
  /** `<partition>` of the task (one task per input partition). */
  readonly taskId: string;
  readonly partition: number;
  /** The name of the step this context belongs to. */
  readonly stepName: string;
  /** Sends a record to every child step, or to the child named `childName`. */
  forward(record: StreamRecord<KOut, VOut>, childName?: string): void;
  getStateStore<S extends StateStore>(name: string): S;
  schedule(intervalMs: number, type: PunctuationType, callback: (timestamp: number) => void): Cancellable;
  /** The task's stream time: the max event time seen (or advanced by the idle rule); -Infinity before any. */
  currentStreamTimeMs(): number;
  /** The injected wall clock. */
  currentSystemTimeMs(): number;
  /** Source of the record being processed; undefined inside a punctuator. */
  recordMetadata(): SourceMetadata | undefined;
  /** Sends the record being processed (its original bytes) to the late-records topic and counts it. */
  late(info: LateInfo, headers?: Headers): void;
}

/**
 * Custom logic in a topology (Kafka Streams' processor API): `init` once per task with the context,
 * `process` per record, `close` when the task closes. Keep state only in stores obtained from the
 * context (they are changelogged and restored); a plain field is lost on restart.
 *
 * @example
 *   class Upper implements Processor<string, string, string, string> {
 *     private ctx!: ProcessorContext<string, string>;
 *     init(ctx: ProcessorContext<string, string>) { this.ctx = ctx; }
 *     process(r: StreamRecord<string, string>) { this.ctx.forward({ ...r, value: r.value.toUpperCase() }); }
 *   }
 */
export interface Processor<KIn, VIn, KOut = never, VOut = never> {
  init?(context: ProcessorContext<KOut, VOut>): void;
  process(record: StreamRecord<KIn, VIn>): void;
  close?(): void;
}

/** Makes a fresh processor for each task. */
export type ProcessorSupplier<KIn, VIn, KOut = never, VOut = never> = () => Processor<KIn, VIn, KOut, VOut>;
