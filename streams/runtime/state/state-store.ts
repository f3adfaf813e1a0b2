import type { Headers } from '../record.js';

/** One changelog entry: the store's encoded key and its new value (null deletes). */
export interface ChangelogEntry {
  readonly key: Buffer;
  readonly value: Buffer | null;
}

/** What a store sees of its task. */
export interface StoreContext {
  readonly applicationId: string;
  readonly partition: number;
  currentStreamTimeMs(): number;
}

/**
 * A state store owned by one task. Every change marks a key dirty; `drainChangelog` returns the
 * latest value of each dirty key once (so a commit logs one entry per changed key, as Kafka Streams'
 * record cache does), and `restore` replays the changelog into an empty store.
 */
export interface StateStore {
  readonly name: string;
  readonly kind: 'key-value' | 'window' | 'session';
  readonly retentionMs: number;
  readonly logged: boolean;
  init(context: StoreContext): void;
  /** Removes what retention no longer keeps (called as stream time advances). */
  expire(streamTime: number): void;
  drainChangelog(): ChangelogEntry[];
  restore(key: Buffer, value: Buffer | null): void;
  /** Every changelog entry was restored: a store that restores in two steps finishes here. */
  restoreComplete?(): void;
  /** Number of entries held. */
  size(): number;
  close(): void;
}

/**
 * Declares a store: the topology builds one instance per task from it.
 *
 * @example
 *   topology.addStateStore(Stores.keyValue('last-seen', Serdes.string(), Serdes.float64(), { retentionMs: 86_400_000 }), 'detect');
 */
export interface StoreBuilder<S extends StateStore = StateStore> {
  readonly name: string;
  readonly kind: StateStore['kind'];
  readonly retentionMs: number;
  readonly logged: boolean;
  build(): S;
  /** Topic configs of the changelog. */
  changelogConfig(): Record<string, string>;
}

export type { Headers };
