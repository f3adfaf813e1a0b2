import type { SyncSerde } from '../serde.js';
import { keyId, prefixTimes, splitTimes } from './encoding.js';
import { listSerde } from './list-serde.js';
import type { ChangelogEntry, StateStore, StoreBuilder, StoreContext } from './state-store.js';
import { CHANGELOG_ADDITIONAL_RETENTION_MS } from './stores.js';

/**
 * One side of a KStream-KStream join: every value per key and timestamp (duplicates kept), fetched by
 * key and time range (Kafka Streams' window store with retainDuplicates). A timestamp is dropped once
 * `ts + retentionMs <= streamTime`. Changelog as a window store's: key = 8-byte timestamp + key
 * bytes, value = the list of values at that timestamp (`listSerde`).
 */
export interface JoinWindowStore<K, V> extends StateStore {
  put(key: K, timestamp: number, value: V): void;
  /** The key's values with `from <= timestamp <= to`, in timestamp order (then insertion order). */
  fetch(key: K, from: number, to: number): IterableIterator<{ timestamp: number; value: V }>;
}

interface Slot<V> {
  ts: number;
  values: V[];
}

interface KeyEntry<K, V> {
  key: K;
  /** Ascending by ts. */
  slots: Slot<V>[];
}

/** First index whose ts is >= `ts` (binary search). */
function lowerBound<V>(slots: readonly Slot<V>[], ts: number): number {
  let lo = 0;
  let hi = slots.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((slots[mid] as Slot<V>).ts < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class InMemoryJoinWindowStore<K, V> implements JoinWindowStore<K, V> {
  readonly kind = 'window' as const;
  private readonly entries = new Map<string, KeyEntry<K, V>>();
  private readonly dirty = new Map<string, { id: string; key: K; ts: number }>();
  private readonly values: SyncSerde<V[]>;
  private count = 0;
  private topic = '';

  constructor(
    readonly name: string,
    private readonly keySerde: SyncSerde<K>,
    valueSerde: SyncSerde<V>,
    readonly retentionMs: number,
    readonly logged: boolean,
  ) {
    this.values = listSerde(valueSerde);
  }

  init(context: StoreContext): void {
    this.topic = `${context.applicationId}-${this.name}-changelog`;
  }

  private id(key: K): string {
    return keyId(key, () => this.keySerde.serialize(key, this.topic) ?? Buffer.alloc(0));
  }

  private markDirty(id: string, key: K, ts: number): void {
    if (this.logged) this.dirty.set(`${ts}|${id}`, { id, key, ts });
  }

  private slotFor(id: string, key: K, ts: number): Slot<V> {
    let e = this.entries.get(id);
    if (e === undefined) {
      e = { key, slots: [] };
      this.entries.set(id, e);
    }
    const i = lowerBound(e.slots, ts);
    const found = e.slots[i];
    if (found !== undefined && found.ts === ts) return found;
    const slot = { ts, values: [] };
    e.slots.splice(i, 0, slot);
    return slot;
  }

  put(key: K, timestamp: number, value: V): void {
    const id = this.id(key);
    this.slotFor(id, key, timestamp).values.push(value);
    this.count++;
    this.markDirty(id, key, timestamp);
  }

  *fetch(key: K, from: number, to: number): IterableIterator<{ timestamp: number; value: V }> {
    const e = this.entries.get(this.id(key));
    if (e === undefined) return;
    for (let i = lowerBound(e.slots, from); i < e.slots.length; i++) {
      const slot = e.slots[i] as Slot<V>;
      if (slot.ts > to) return;
      for (const value of slot.values) yield { timestamp: slot.ts, value };
    }
  }

  expire(streamTime: number): void {
    const limit = streamTime - this.retentionMs;
    for (const [id, e] of this.entries) {
      const keep = lowerBound(e.slots, limit + 1);
      if (keep === 0) continue;
      for (const slot of e.slots.slice(0, keep)) {
        this.count -= slot.values.length;
        this.markDirty(id, e.key, slot.ts);
      }
      e.slots.splice(0, keep);
      if (e.slots.length === 0) this.entries.delete(id);
    }
  }

  drainChangelog(): ChangelogEntry[] {
    const out: ChangelogEntry[] = [];
    for (const d of this.dirty.values()) {
      const slots = this.entries.get(d.id)?.slots ?? [];
      const slot = slots[lowerBound(slots, d.ts)];
      const key = prefixTimes([d.ts], this.keySerde.serialize(d.key, this.topic) ?? Buffer.alloc(0));
      out.push({ key, value: slot?.ts === d.ts ? this.values.serialize(slot.values, this.topic) : null });
    }
    this.dirty.clear();
    return out;
  }

  restore(key: Buffer, value: Buffer | null): void {
    const { times, rest } = splitTimes(key, 1, this.name);
    const ts = times[0] as number;
    const k = this.keySerde.deserialize(rest, this.topic);
    const id = this.id(k);
    const e = this.entries.get(id);
    const i = e === undefined ? -1 : lowerBound(e.slots, ts);
    const old = e?.slots[i];
    if (e !== undefined && old?.ts === ts) {
      this.count -= old.values.length;
      e.slots.splice(i, 1);
      if (e.slots.length === 0) this.entries.delete(id);
    }
    if (value === null) return;
    const values = this.values.deserialize(value, this.topic);
    this.slotFor(id, k, ts).values.push(...values);
    this.count += values.length;
  }

  size(): number {
    return this.count;
  }

  close(): void {
    this.entries.clear();
    this.dirty.clear();
    this.count = 0;
  }
}

/** Declares a join window store (one per side of a KStream-KStream join). */
export function joinWindowStore<K, V>(
  name: string,
  keySerde: SyncSerde<K>,
  valueSerde: SyncSerde<V>,
  options: { retentionMs: number; logged: boolean },
): StoreBuilder<JoinWindowStore<K, V>> {
  const { retentionMs, logged } = options;
  return {
    name,
    kind: 'window',
    retentionMs,
    logged,
    build: () => new InMemoryJoinWindowStore(name, keySerde, valueSerde, retentionMs, logged),
    changelogConfig: () => ({
      'cleanup.policy': 'compact,delete',
      'retention.ms': String(retentionMs + CHANGELOG_ADDITIONAL_RETENTION_MS),
    }),
  };
}
