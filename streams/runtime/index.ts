/**
 * The stream runtime's public API: Kafka Streams in TypeScript. See docs/ARCHITECTURE.md, section
 * "Stream runtime", for the model (tasks, stream time, windows, state, exactly-once).
 */

export type { StreamJoined } from './dsl/joins.js';
export { KGroupedStream } from './dsl/kgrouped-stream.js';
export { BranchedKStream, type Grouped, KStream } from './dsl/kstream.js';
export { KTable, WindowedKTable } from './dsl/ktable.js';
export { Repartitioned } from './dsl/repartitioned.js';
export { StreamsBuilder } from './dsl/streams-builder.js';
export { SessionWindowedKStream, TimeWindowedKStream } from './dsl/windowed-kstream.js';
export { DEFAULT_DLQ_TOPIC } from './errors/dead-letter.js';
export { type ErrorHandler, ErrorHandlers, type ErrorStage, type HandlerContext } from './errors/handlers.js';
export { Materialized } from './materialized.js';
export { changelogTopic, repartitionTopic } from './names.js';
export type {
  Cancellable,
  LateInfo,
  Processor,
  ProcessorContext,
  ProcessorSupplier,
  PunctuationType,
} from './processor/processor.js';
export type { Headers, OutputRecord, RawRecord, SourceMetadata, StreamRecord } from './record.js';
export { type Serde, Serdes, type SyncSerde } from './serde.js';
export type { Journal, JournaledStore } from './state/journaled-store.js';
export type { KeyValueStore, TimestampedKeyValueStore } from './state/key-value-store.js';
export type { Session, SessionStore } from './state/session-store.js';
export type { StateStore, StoreBuilder } from './state/state-store.js';
export { type StoreOptions, Stores } from './state/stores.js';
export type { WindowStore } from './state/window-store.js';
export { type Clock, ManualClock, systemClock } from './time/clock.js';
export type { TimestampExtractor } from './time/timestamp-extractor.js';
export { type SinkOptions, type SourceOptions, Topology } from './topology/topology.js';
export { JoinWindows } from './windows/join-windows.js';
export { SessionWindows } from './windows/session-windows.js';
export { Suppressed } from './windows/suppressed.js';
export { TimeWindows } from './windows/time-windows.js';
export type { Window, Windowed } from './windows/window.js';
