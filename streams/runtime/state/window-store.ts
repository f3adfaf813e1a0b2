import type { SyncSerde } from '../serde.js';
import { keyId, prefixTimes, splitTimes } from './encoding.js';
import type { ChangelogEntry, StateStore, StoreContext } from './state-store.js';

/**
 * Aggregates per key and window start. A window is dropped (and its deletion logged) once
 * `start + retentionMs <= streamTime`; the retention must cover size + grace.
 *
 * @example
 *   store.put('dev-1', 60_000, { count: 3 });
 *   for (const [key, agg] of store.fetchWindow(60_000)) ...
 */
export interface WindowStore<K, V> extends StateStore {
  put(key: K, windowStart: number, value: V): void;
  fetch(key: K, windowStart: number): V | undefined;
  delete(key: K, windowStart: number): void;
  /** Window starts held, ascending. */
  windowStarts(): number[];
  /** Every key and value of one window. */
  fetchWindow(windowStart: number): IterableIterator<[K, V]>;
  /** Drops a whole window (logging a delete per key). */
  deleteWindow(windowStart: number): void;
}

interface Cell<K, V> {
  key: K;
  value: V;
}

export class InMemoryWindowStore<K, V> implements WindowStore<K, V> {
  readonly kind = 'window' as const;
  private readonly windows = new Map<number, Map<string, Cell<K, V>>>();
  private starts: number[] = [];
  private readonly dirty = new Map<string, { key: K; start: number; id: string }>();
  private topic = '';

  constructor(
    readonly name: string,
    private readonly keySerde: SyncSerde<K>,
    private readonly valueSerde: SyncSerde<V>,
    readonly retentionMs: number,
    readonly logged: boolean,
  ) {}

  init(context: StoreContext): void {
    this.topic = `${context.applicationId}-${this.name}-changelog`;
  }

  private id(key: K): string {
    return keyId(key, () => this.keySerde.serialize(key, this.topic) ?? Buffer.alloc(0));
  }

  private markDirty(id: string, key: K, start: number): void {
    if (this.logged) this.dirty.set(`${start}|${id}`, { key, start, id });
  }

  private windowFor(start: number): Map<string, Cell<K, V>> {
    let w = this.windows.get(start);
    if (w === undefined) {
      w = new Map();
      this.windows.set(start, w);
      const last = this.starts[this.starts.length - 1];
      this.starts.push(start);
      if (last !== undefined && last > start) this.starts.sort((a, b) => a - b);
    }
    return w;
  }

  put(key: K, windowStart: number, value: V): void {
    const id = this.id(key);
    this.windowFor(windowStart).set(id, { key, value });
    this.markDirty(id, key, windowStart);
  }

  fetch(key: K, windowStart: number): V | undefined {
    return this.windows.get(windowStart)?.get(this.id(key))?.value;
  }

  delete(key: K, windowStart: number): void {
    const w = this.windows.get(windowStart);
    const id = this.id(key);
    if (w?.delete(id)) {
      this.markDirty(id, key, windowStart);
      if (w.size === 0) this.dropEmpty(windowStart);
    }
  }

  private dropEmpty(start: number): void {
    this.windows.delete(start);
    this.starts = this.starts.filter((s) => s !== start);
  }

  windowStarts(): number[] {
    return this.starts.slice();
  }

  *fetchWindow(windowStart: number): IterableIterator<[K, V]> {
    const w = this.windows.get(windowStart);
    if (w === undefined) return;
    for (const c of w.values()) yield [c.key, c.value];
  }

  deleteWindow(windowStart: number): void {
    const w = this.windows.get(windowStart);
    if (w === undefined) return;
    for (const [id, c] of w) this.markDirty(id, c.key, windowStart);
    this.dropEmpty(windowStart);
  }

  expire(streamTime: number): void {
    while (this.starts.length > 0 && (this.starts[0] as number) + this.retentionMs <= streamTime) {
      this.deleteWindow(this.starts[0] as number);
    }
  }

  drainChangelog(): ChangelogEntry[] {
    const out: ChangelogEntry[] = [];
    for (const d of this.dirty.values()) {
      const cell = this.windows.get(d.start)?.get(d.id);
      const key = prefixTimes([d.start], this.keySerde.serialize(d.key, this.topic) ?? Buffer.alloc(0));
      out.push({ key, value: cell === undefined ? null : this.valueSerde.serialize(cell.value, this.topic) });
    }
    this.dirty.clear();
    return out;
  }

  restore(key: Buffer, value: Buffer | null): void {
    const { times, rest } = splitTimes(key, 1, this.name);
    const start = times[0] as number;
    const k = this.keySerde.deserialize(rest, this.topic);
    if (value === null) {
      const w = this.windows.get(start);
      if (w?.delete(this.id(k)) && w.size === 0) this.dropEmpty(start);
      return;
    }
    this.windowFor(start).set(this.id(k), { key: k, value: this.valueSerde.deserialize(value, this.topic) });
  }

  size(): number {
    let n = 0;
    for (const w of this.windows.values()) n += w.size;
    return n;
  }

  close(): void {
    this.windows.clear();
    this.starts = [];
    this.dirty.clear();
  }
}
