import { ConfigError } from '../../../lib/errors.js';
import { validateName } from '../names.js';
import type { SyncSerde } from '../serde.js';
import { type EntryBudget, InMemoryJournaledStore, type Journal, type JournaledStore } from './journaled-store.js';
import { InMemoryKeyValueStore, type KeyValueStore } from './key-value-store.js';
import { InMemorySessionStore, type SessionStore } from './session-store.js';
import type { StoreBuilder } from './state-store.js';
import { InMemoryWindowStore, type WindowStore } from './window-store.js';

/** Window/session changelogs keep data this much longer than the store (Kafka Streams' default). */
export const CHANGELOG_ADDITIONAL_RETENTION_MS = 86_400_000;

export interface StoreOptions {
  /** Every store has a retention (ms of stream time); no default, so it is always chosen. */
  retentionMs: number;
  /** Log changes to `<application.id>-<name>-changelog` (default true). */
  logged?: boolean;
}

function retention(name: string, ms: number): number {
  if (!Number.isSafeInteger(ms) || ms <= 0)
    throw new ConfigError(`stores.${name}.retentionMs`, `expected a positive integer of ms, got ${ms}`);
  return ms;
}

/**
 * Store declarations for the processor API (the DSL makes them from `Materialized`).
 *
 * @example
 *   Stores.keyValue('last-seen', Serdes.string(), Serdes.float64(), { retentionMs: 7 * 86_400_000 })
 */
export const Stores = {
  keyValue<K, V>(
    name: string,
    keySerde: SyncSerde<K>,
    valueSerde: SyncSerde<V>,
    options: StoreOptions,
  ): StoreBuilder<KeyValueStore<K, V>> {
    validateName('store.name', name);
    const retentionMs = retention(name, options.retentionMs);
    const logged = options.logged ?? true;
    return {
      name,
      kind: 'key-value',
      retentionMs,
      logged,
      build: () => new InMemoryKeyValueStore(name, keySerde, valueSerde, retentionMs, logged),
      changelogConfig: () => ({ 'cleanup.policy': 'compact' }),
    };
  },

  /**
   * A key-value store whose values change through a journal's events, logged as events with a
   * snapshot every `journal.snapshotEvery` events per key (see {@link JournaledStore}).
   */
  journaled<K, S, E, R>(
    name: string,
    keySerde: SyncSerde<K>,
    journal: Journal<K, S, E, R>,
    options: StoreOptions & { budget?: EntryBudget },
  ): StoreBuilder<JournaledStore<K, S, E, R>> {
    validateName('store.name', name);
    const retentionMs = retention(name, options.retentionMs);
    const logged = options.logged ?? true;
    return {
      name,
      kind: 'key-value',
      retentionMs,
      logged,
      build: () => new InMemoryJournaledStore(name, keySerde, journal, retentionMs, logged, options.budget),
      changelogConfig: () => ({ 'cleanup.policy': 'compact' }),
    };
  },

  window<K, V>(
    name: string,
    keySerde: SyncSerde<K>,
    valueSerde: SyncSerde<V>,
    options: StoreOptions,
  ): StoreBuilder<WindowStore<K, V>> {
    validateName('store.name', name);
    const retentionMs = retention(name, options.retentionMs);
    const logged = options.logged ?? true;
    return {
      name,
      kind: 'window',
      retentionMs,
      logged,
      build: () => new InMemoryWindowStore(name, keySerde, valueSerde, retentionMs, logged),
      changelogConfig: () => ({
        'cleanup.policy': 'compact,delete',
        'retention.ms': String(retentionMs + CHANGELOG_ADDITIONAL_RETENTION_MS),
      }),
    };
  },

  session<K, V>(
    name: string,
    keySerde: SyncSerde<K>,
    valueSerde: SyncSerde<V>,
    options: StoreOptions,
  ): StoreBuilder<SessionStore<K, V>> {
    validateName('store.name', name);
    const retentionMs = retention(name, options.retentionMs);
    const logged = options.logged ?? true;
    return {
      name,
      kind: 'session',
      retentionMs,
      logged,
      build: () => new InMemorySessionStore(name, keySerde, valueSerde, retentionMs, logged),
      changelogConfig: () => ({
        'cleanup.policy': 'compact,delete',
        'retention.ms': String(retentionMs + CHANGELOG_ADDITIONAL_RETENTION_MS),
      }),
    };
  },
};
