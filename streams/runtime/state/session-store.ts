import type { SyncSerde } from '../serde.js';
import type { Window } from '../windows/window.js';
import { keyId, prefixTimes, splitTimes } from './encoding.js';
import type { ChangelogEntry, StateStore, StoreContext } from './state-store.js';

/** One session of a key: `[start, end]` inclusive and its aggregate. */
export interface Session<K, V> {
  readonly key: K;
  readonly window: Window;
  readonly value: V;
}

/**
 * Sessions per key. A session is dropped (and its deletion logged) once
 * `end + retentionMs <= streamTime`; the retention must cover gap + grace.
 *
 * @example
 *   const overlapping = store.findSessions('dev-1', ts - gap, ts + gap);
 */
export interface SessionStore<K, V> extends StateStore {
  /** Sessions of `key` with `end >= earliestEnd` and `start <= latestStart`, oldest first. */
  findSessions(key: K, earliestEnd: number, latestStart: number): Session<K, V>[];
  put(key: K, window: Window, value: V): void;
  remove(key: K, window: Window): void;
  all(): IterableIterator<Session<K, V>>;
}

interface KeySessions<K, V> {
  key: K;
  sessions: { start: number; end: number; value: V }[];
}

export class InMemorySessionStore<K, V> implements SessionStore<K, V> {
  readonly kind = 'session' as const;
  private readonly byKey = new Map<string, KeySessions<K, V>>();
  private readonly dirty = new Map<string, { key: K; id: string; start: number; end: number }>();
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

  private markDirty(id: string, key: K, w: Window): void {
    if (this.logged) this.dirty.set(`${w.start}|${w.end}|${id}`, { key, id, start: w.start, end: w.end });
  }

  findSessions(key: K, earliestEnd: number, latestStart: number): Session<K, V>[] {
    const ks = this.byKey.get(this.id(key));
    if (ks === undefined) return [];
    return ks.sessions
      .filter((s) => s.end >= earliestEnd && s.start <= latestStart)
      .map((s) => ({ key: ks.key, window: { start: s.start, end: s.end }, value: s.value }));
  }

  put(key: K, window: Window, value: V): void {
    const id = this.id(key);
    let ks = this.byKey.get(id);
    if (ks === undefined) {
      ks = { key, sessions: [] };
      this.byKey.set(id, ks);
    }
    const i = ks.sessions.findIndex((s) => s.start === window.start && s.end === window.end);
    if (i >= 0) ks.sessions[i] = { start: window.start, end: window.end, value };
    else {
      ks.sessions.push({ start: window.start, end: window.end, value });
      ks.sessions.sort((a, b) => a.start - b.start);
    }
    this.markDirty(id, key, window);
  }

  remove(key: K, window: Window): void {
    this.removeSession(key, window, true);
  }

  private removeSession(key: K, window: Window, log: boolean): void {
    const id = this.id(key);
    const ks = this.byKey.get(id);
    if (ks === undefined) return;
    const before = ks.sessions.length;
    ks.sessions = ks.sessions.filter((s) => !(s.start === window.start && s.end === window.end));
    if (log && ks.sessions.length !== before) this.markDirty(id, key, window);
    if (ks.sessions.length === 0) this.byKey.delete(id);
  }

  *all(): IterableIterator<Session<K, V>> {
    for (const ks of this.byKey.values())
      for (const s of ks.sessions) yield { key: ks.key, window: { start: s.start, end: s.end }, value: s.value };
  }

  expire(streamTime: number): void {
    for (const [id, ks] of this.byKey) {
      for (const s of ks.sessions)
        if (s.end + this.retentionMs <= streamTime) this.markDirty(id, ks.key, { start: s.start, end: s.end });
      ks.sessions = ks.sessions.filter((s) => s.end + this.retentionMs > streamTime);
      if (ks.sessions.length === 0) this.byKey.delete(id);
    }
  }

  drainChangelog(): ChangelogEntry[] {
    const out: ChangelogEntry[] = [];
    for (const d of this.dirty.values()) {
      const s = this.byKey.get(d.id)?.sessions.find((x) => x.start === d.start && x.end === d.end);
      const key = prefixTimes([d.start, d.end], this.keySerde.serialize(d.key, this.topic) ?? Buffer.alloc(0));
      out.push({ key, value: s === undefined ? null : this.valueSerde.serialize(s.value, this.topic) });
    }
    this.dirty.clear();
    return out;
  }

  restore(key: Buffer, value: Buffer | null): void {
    const { times, rest } = splitTimes(key, 2, this.name);
    const window = { start: times[0] as number, end: times[1] as number };
    const k = this.keySerde.deserialize(rest, this.topic);
    if (value === null) {
      this.removeSession(k, window, false);
      return;
    }
    const id = this.id(k);
    let ks = this.byKey.get(id);
    if (ks === undefined) {
      ks = { key: k, sessions: [] };
      this.byKey.set(id, ks);
    }
    ks.sessions = ks.sessions.filter((s) => !(s.start === window.start && s.end === window.end));
    ks.sessions.push({ ...window, value: this.valueSerde.deserialize(value, this.topic) });
    ks.sessions.sort((a, b) => a.start - b.start);
  }

  size(): number {
    let n = 0;
    for (const ks of this.byKey.values()) n += ks.sessions.length;
    return n;
  }

  close(): void {
    this.byKey.clear();
    this.dirty.clear();
  }
}
