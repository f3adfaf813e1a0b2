import type { SyncSerde } from '../serde.js';
import { keyId, prefixTimes, splitTimes } from './encoding.js';
import type { ChangelogEntry, StateStore, StoreContext } from './state-store.js';

/**
 * A key-value store of one task with a retention: an entry not updated for `retentionMs` of stream
 * time (measured from the event time given to `put`) is deleted, so per-device state cannot grow
 * without bound.
 *
 * @example
 *   const store = ctx.getStateStore<KeyValueStore<string, number>>('last-value');
 *   store.put(record.key, record.value, record.timestamp);
 */
export interface KeyValueStore<K, V> extends StateStore {
  get(key: K): V | undefined;
  /** `timestamp` (event time of the update) drives retention; default: the task's stream time. */
  put(key: K, value: V, timestamp?: number): void;
  delete(key: K): void;
  all(): IterableIterator<[K, V]>;
}

/** A key-value store that also answers the event time of each entry's last update (a KTable's store). */
export interface TimestampedKeyValueStore<K, V> extends KeyValueStore<K, V> {
  getWithTimestamp(key: K): { value: V; timestamp: number } | undefined;
}

interface Entry<K, V> {
  key: K;
  value: V;
  ts: number;
}

export class InMemoryKeyValueStore<K, V> implements TimestampedKeyValueStore<K, V> {
  readonly kind = 'key-value' as const;
  private readonly entries = new Map<string, Entry<K, V>>();
  private readonly dirty = new Map<string, K>();
  private ctx: StoreContext | undefined;
  private topic = '';

  constructor(
    readonly name: string,
    private readonly keySerde: SyncSerde<K>,
    private readonly valueSerde: SyncSerde<V>,
    readonly retentionMs: number,
    readonly logged: boolean,
  ) {}

  init(context: StoreContext): void {
    this.ctx = context;
    this.topic = `${context.applicationId}-${this.name}-changelog`;
  }

  private id(key: K): string {
    return keyId(key, () => this.keySerde.serialize(key, this.topic) ?? Buffer.alloc(0));
  }

  private markDirty(id: string, key: K): void {
    if (this.logged) this.dirty.set(id, key);
  }

  get(key: K): V | undefined {
    return this.entries.get(this.id(key))?.value;
  }

  getWithTimestamp(key: K): { value: V; timestamp: number } | undefined {
    const e = this.entries.get(this.id(key));
    return e === undefined ? undefined : { value: e.value, timestamp: e.ts };
  }

  put(key: K, value: V, timestamp?: number): void {
    const id = this.id(key);
    const ts = timestamp ?? this.ctx?.currentStreamTimeMs() ?? 0;
    this.entries.set(id, { key, value, ts: Number.isFinite(ts) ? ts : 0 });
    this.markDirty(id, key);
  }

  delete(key: K): void {
    const id = this.id(key);
    if (this.entries.delete(id)) this.markDirty(id, key);
  }

  *all(): IterableIterator<[K, V]> {
    for (const e of this.entries.values()) yield [e.key, e.value];
  }

  expire(streamTime: number): void {
    const limit = streamTime - this.retentionMs;
    for (const [id, e] of this.entries) {
      if (e.ts < limit) {
        this.entries.delete(id);
        this.markDirty(id, e.key);
      }
    }
  }

  drainChangelog(): ChangelogEntry[] {
    const out: ChangelogEntry[] = [];
    for (const [id, key] of this.dirty) {
      const e = this.entries.get(id);
      const keyBytes = this.keySerde.serialize(key, this.topic) ?? Buffer.alloc(0);
      if (e === undefined) out.push({ key: keyBytes, value: null });
      else
        out.push({
          key: keyBytes,
          value: prefixTimes([e.ts], this.valueSerde.serialize(e.value, this.topic) ?? Buffer.alloc(0)),
        });
    }
    this.dirty.clear();
    return out;
  }

  restore(key: Buffer, value: Buffer | null): void {
    const k = this.keySerde.deserialize(key, this.topic);
    const id = this.id(k);
    if (value === null) {
      this.entries.delete(id);
      return;
    }
    const { times, rest } = splitTimes(value, 1, this.name);
    this.entries.set(id, { key: k, value: this.valueSerde.deserialize(rest, this.topic), ts: times[0] ?? 0 });
  }

  size(): number {
    return this.entries.size;
  }

  close(): void {
    this.entries.clear();
    this.dirty.clear();
  }
}
