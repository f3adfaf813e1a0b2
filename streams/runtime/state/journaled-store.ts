import { IotpError } from '../../../lib/errors.js';
import type { SyncSerde } from '../serde.js';
import { keyId, prefixTimes, splitTimes } from './encoding.js';
import type { ChangelogEntry, StateStore, StoreContext } from './state-store.js';

/**
 * How a journaled store's state changes: a pure reducer over events. The state of a key is
 * `init()` folded with every event applied to it, so the store can log the small events instead of
 * the (large) state, and a restore rebuilds the state by replaying them after the latest snapshot.
 *
 * `apply` must be deterministic (same state, same event: same new state, bit for bit) and take
 * everything it depends on from the event (a wall-clock time included), never from outside.
 */
export interface Journal<K, S, E, R> {
  init(): S;
  /** Folds `event` into the state of `key` in place; what it returns is the step's output (ignored on replay). */
  apply(state: S, event: E, key: K): R;
  /** Snapshots: must restore a state that behaves exactly as the original. */
  stateSerde: SyncSerde<S>;
  eventSerde: SyncSerde<E>;
  /**
   * A key's state is logged whole once this many of its events were logged since its last
   * snapshot; between snapshots only events are. The journal of a key holds fewer than this many
   * events, so a restore replays fewer than this many per key.
   */
  snapshotEvery: number;
}

/**
 * A key-value store whose values change only through a {@link Journal}'s events, logged as events:
 * changelog traffic follows what changed (the events of a key since the last commit, one changelog
 * record; a snapshot every `snapshotEvery` events), not the size of the state. Kafka Streams logs
 * whole values; a detector state of kilobytes changing a few numbers per reading is what this
 * store is for.
 *
 * Changelog layout (compacted topic; key = store key bytes + a 2-byte suffix, big-endian):
 * - suffix 0xFFFF, the snapshot: 8-byte event time + 8-byte sequence number + state bytes;
 * - suffix s < snapshotEvery, a journal entry: 8-byte event time + 8-byte sequence number of its
 *   first event + 4-byte event count + per event a 4-byte length and the event bytes.
 * A key's n-th journal entry goes to slot n % snapshotEvery; a snapshot is logged instead once the
 * key has `snapshotEvery` events (or entries) since its last one, so compaction keeps the latest
 * snapshot and the entries after it; older entries (events <= the snapshot's sequence) are ignored
 * on restore. A deleted key tombstones its snapshot and every slot it used.
 *
 * @example
 *   const store = ctx.getStateStore<JournaledStore<string, DeviceState, DetectEvent, Anomaly[]>>('detectors');
 *   const anomalies = store.apply(deviceId, { kind: 'reading', ts, values }, ts);
 */
/**
 * A bound on the entries of several journaled stores together (e.g. every task of a worker): when
 * an apply would create an entry beyond `max`, the store evicts its own least recently updated key
 * first (deleted, with tombstones: it starts afresh if it comes back). Memory is then bounded by
 * design instead of by the fleet's size.
 */
export interface EntryBudget {
  readonly max: number;
  used: number;
  /** Called with the store's name for each eviction (a metric). */
  onEvict?(store: string): void;
}

export interface JournaledStore<K, S, E, R> extends StateStore {
  get(key: K): S | undefined;
  /** Applies `event` to the key's state (a new `init()` state if none) and logs it; `timestamp` (event time) drives retention. */
  apply(key: K, event: E, timestamp?: number): R;
  delete(key: K): void;
  all(): IterableIterator<[K, S]>;
}

const SNAPSHOT_SLOT = 0xffff;

interface Entry<K, S> {
  key: K;
  state: S;
  ts: number;
  /** Events applied to this key, ever (the last one's sequence number). */
  seq: number;
  /** Sequence number of the latest logged snapshot (0: none; events from 1 on are in the journal). */
  snapshotSeq: number;
  /** Journal entries logged, ever (the last one's slot is entries % snapshotEvery). */
  entries: number;
  /** Journal entries logged since the latest snapshot. */
  entriesSinceSnapshot: number;
}

interface Dirty<K> {
  key: K;
  /** Events applied since the last drain, encoded, with their sequence numbers. */
  events: { seq: number; ts: number; bytes: Buffer }[];
  /** The key was deleted since the last drain: tombstone its snapshot and these many slots (0..n-1) first. */
  tombstoneSlots: number;
}

interface Restoring<K> {
  key: K;
  snapshot?: { ts: number; seq: number; bytes: Buffer };
  /** Journal entries by slot: the sequence number of their first event, and their value. */
  slots: Map<number, { ts: number; seq: number; bytes: Buffer }>;
}

export class InMemoryJournaledStore<K, S, E, R> implements JournaledStore<K, S, E, R> {
  readonly kind = 'key-value' as const;
  private readonly entries = new Map<string, Entry<K, S>>();
  private readonly dirty = new Map<string, Dirty<K>>();
  private restoring = new Map<string, Restoring<K>>();
  private ctx: StoreContext | undefined;
  private topic = '';

  constructor(
    readonly name: string,
    private readonly keySerde: SyncSerde<K>,
    private readonly journal: Journal<K, S, E, R>,
    readonly retentionMs: number,
    readonly logged: boolean,
    private readonly budget?: EntryBudget,
  ) {
    const every = journal.snapshotEvery;
    if (!Number.isInteger(every) || every < 1 || every >= SNAPSHOT_SLOT)
      throw new IotpError('STREAMS_STORE_CONFIG', `store ${name}: snapshotEvery must be an integer in [1, 65534]`);
  }

  init(context: StoreContext): void {
    this.ctx = context;
    this.topic = `${context.applicationId}-${this.name}-changelog`;
  }

  private keyBytes(key: K): Buffer {
    return this.keySerde.serialize(key, this.topic) ?? Buffer.alloc(0);
  }

  private id(key: K): string {
    return keyId(key, () => this.keyBytes(key));
  }

  private dirtyOf(id: string, key: K): Dirty<K> {
    let d = this.dirty.get(id);
    if (d === undefined) {
      d = { key, events: [], tombstoneSlots: 0 };
      this.dirty.set(id, d);
    }
    return d;
  }

  get(key: K): S | undefined {
    return this.entries.get(this.id(key))?.state;
  }

  apply(key: K, event: E, timestamp?: number): R {
    const id = this.id(key);
    const t = timestamp ?? this.ctx?.currentStreamTimeMs() ?? 0;
    const ts = Number.isFinite(t) ? t : 0;
    let e = this.entries.get(id);
    if (e === undefined) {
      this.makeRoom();
      e = { key, state: this.journal.init(), ts, seq: 0, snapshotSeq: 0, entries: 0, entriesSinceSnapshot: 0 };
      if (this.budget) this.budget.used++;
    } else if (this.budget) {
      this.entries.delete(id); // re-inserted below: the map's order is least recently updated first
    }
    this.entries.set(id, e);
    const out = this.journal.apply(e.state, event, key);
    e.seq++;
    e.ts = Math.max(e.ts, ts);
    if (this.logged) {
      this.dirtyOf(id, key).events.push({
        seq: e.seq,
        ts: e.ts,
        bytes: this.journal.eventSerde.serialize(event, this.topic) ?? Buffer.alloc(0),
      });
    }
    return out;
  }

  /** Within a budget, evicts this store's least recently updated key until a new one fits. */
  private makeRoom(): void {
    const b = this.budget;
    if (!b) return;
    while (b.used >= b.max) {
      const oldest = this.entries.values().next().value;
      if (oldest === undefined) return; // nothing of ours to give back: another store's turn
      this.delete(oldest.key);
      b.onEvict?.(this.name);
    }
  }

  delete(key: K): void {
    const id = this.id(key);
    const e = this.entries.get(id);
    if (e === undefined) return;
    this.entries.delete(id);
    if (this.budget) this.budget.used--;
    if (!this.logged) return;
    const d = this.dirtyOf(id, key);
    d.events = [];
    // Entries 1..n used slots 1..n (mod snapshotEvery): tombstone them all, so a key re-created
    // later cannot pick up its predecessor's events on restore.
    d.tombstoneSlots = Math.max(d.tombstoneSlots, Math.min(e.entries + 1, this.journal.snapshotEvery));
  }

  *all(): IterableIterator<[K, S]> {
    for (const e of this.entries.values()) yield [e.key, e.state];
  }

  expire(streamTime: number): void {
    const limit = streamTime - this.retentionMs;
    const old: K[] = [];
    for (const e of this.entries.values()) if (e.ts < limit) old.push(e.key);
    for (const key of old) this.delete(key);
  }

  drainChangelog(): ChangelogEntry[] {
    const out: ChangelogEntry[] = [];
    const every = this.journal.snapshotEvery;
    for (const [id, d] of this.dirty) {
      const keyBytes = this.keyBytes(d.key);
      if (d.tombstoneSlots > 0) {
        out.push({ key: suffixed(keyBytes, SNAPSHOT_SLOT), value: null });
        for (let slot = 0; slot < d.tombstoneSlots; slot++) out.push({ key: suffixed(keyBytes, slot), value: null });
      }
      const e = this.entries.get(id);
      if (e === undefined) continue; // deleted, not re-created
      if (d.events.length === 0) continue;
      if (e.seq - e.snapshotSeq >= every || e.entriesSinceSnapshot + 1 >= every) {
        // The journal would get long (or overflow its slots): log the state itself; earlier slots are now moot.
        const bytes = this.journal.stateSerde.serialize(e.state, this.topic) ?? Buffer.alloc(0);
        out.push(snapshotEntry(keyBytes, e.ts, e.seq, bytes));
        e.snapshotSeq = e.seq;
        e.entriesSinceSnapshot = 0;
        continue;
      }
      e.entries++;
      e.entriesSinceSnapshot++;
      const first = d.events[0] as { seq: number };
      out.push({
        key: suffixed(keyBytes, e.entries % every),
        value: prefixTimes([e.ts, first.seq], packEvents(d.events.map((ev) => ev.bytes))),
      });
    }
    this.dirty.clear();
    return out;
  }

  restore(key: Buffer, value: Buffer | null): void {
    if (key.length < 2) throw corrupt(this.name, `a changelog key of ${key.length} bytes`);
    const slot = key.readUInt16BE(key.length - 2);
    const k = this.keySerde.deserialize(key.subarray(0, key.length - 2), this.topic);
    const id = this.id(k);
    let r = this.restoring.get(id);
    if (r === undefined) {
      r = { key: k, slots: new Map() };
      this.restoring.set(id, r);
    }
    if (value === null) {
      if (slot === SNAPSHOT_SLOT) r.snapshot = undefined;
      else r.slots.delete(slot);
      return;
    }
    const { times, rest } = splitTimes(value, 2, this.name);
    const item = { ts: times[0] ?? 0, seq: times[1] ?? 0, bytes: rest };
    if (slot === SNAPSHOT_SLOT) r.snapshot = item;
    else r.slots.set(slot, item);
  }

  /**
   * Rebuilds every restored key: its snapshot (or a new state), then the journal's events after the
   * snapshot in sequence order, as long as they follow on without a gap.
   */
  restoreComplete(): void {
    for (const [id, r] of this.restoring) {
      const snapshotSeq = r.snapshot?.seq ?? 0;
      const events: { seq: number; ts: number; bytes: Buffer }[] = [];
      let entriesAfter = 0;
      let latest = { slot: 0, seq: 0 };
      for (const [slot, entry] of r.slots) {
        const packed = unpackEvents(entry.bytes, this.name);
        if (entry.seq + packed.length - 1 <= snapshotSeq) continue;
        entriesAfter++;
        if (entry.seq > latest.seq) latest = { slot, seq: entry.seq };
        packed.forEach((bytes, i) => {
          if (entry.seq + i > snapshotSeq) events.push({ seq: entry.seq + i, ts: entry.ts, bytes });
        });
      }
      events.sort((a, b) => a.seq - b.seq);
      if (r.snapshot === undefined && events[0]?.seq !== 1) continue; // nothing (left) of this key
      const state = r.snapshot
        ? this.journal.stateSerde.deserialize(r.snapshot.bytes, this.topic)
        : this.journal.init();
      let seq = snapshotSeq;
      let ts = r.snapshot?.ts ?? 0;
      for (const ev of events) {
        if (ev.seq !== seq + 1) break; // a gap: what follows it cannot be applied
        this.journal.apply(state, this.journal.eventSerde.deserialize(ev.bytes, this.topic), r.key);
        seq = ev.seq;
        ts = Math.max(ts, ev.ts);
      }
      // The next entry goes to the slot after the latest one still needed (entries wrap around).
      this.entries.set(id, {
        key: r.key,
        state,
        ts,
        seq,
        snapshotSeq,
        entries: latest.slot,
        entriesSinceSnapshot: entriesAfter,
      });
      if (this.budget) this.budget.used++;
    }
    this.restoring = new Map();
    // Restored beyond the budget (it shrank, or more tasks moved here): the oldest go.
    const b = this.budget;
    while (b && b.used > b.max && this.entries.size > 0) {
      const oldest = this.entries.values().next().value as Entry<K, S>;
      this.delete(oldest.key);
      b.onEvict?.(this.name);
    }
  }

  size(): number {
    return this.entries.size;
  }

  close(): void {
    if (this.budget) this.budget.used -= this.entries.size;
    this.entries.clear();
    this.dirty.clear();
    this.restoring.clear();
  }
}

/**
 * The changelog entry of a key's snapshot: what a journaled store logs when it logs the whole
 * state (`seq` = events applied so far). Exported for tools that write a store's changelog
 * themselves (bench/topologies/restore.ts).
 */
export function snapshotEntry(keyBytes: Buffer, ts: number, seq: number, stateBytes: Buffer): ChangelogEntry {
  return { key: suffixed(keyBytes, SNAPSHOT_SLOT), value: prefixTimes([ts, seq], stateBytes) };
}

/** Events of one journal entry: a 4-byte count, then per event a 4-byte length and its bytes. */
function packEvents(events: readonly Buffer[]): Buffer {
  let size = 4;
  for (const e of events) size += 4 + e.length;
  const out = Buffer.allocUnsafe(size);
  let at = out.writeUInt32BE(events.length, 0);
  for (const e of events) {
    at = out.writeUInt32BE(e.length, at);
    at += e.copy(out, at);
  }
  return out;
}

function unpackEvents(bytes: Buffer, store: string): Buffer[] {
  if (bytes.length < 4) throw corrupt(store, `a journal entry of ${bytes.length} bytes`);
  const count = bytes.readUInt32BE(0);
  const out: Buffer[] = [];
  let at = 4;
  for (let i = 0; i < count; i++) {
    if (at + 4 > bytes.length) throw corrupt(store, 'a journal entry cut short');
    const length = bytes.readUInt32BE(at);
    at += 4;
    if (at + length > bytes.length) throw corrupt(store, 'a journal entry cut short');
    out.push(bytes.subarray(at, at + length));
    at += length;
  }
  return out;
}

function suffixed(keyBytes: Buffer, slot: number): Buffer {
  const out = Buffer.allocUnsafe(keyBytes.length + 2);
  keyBytes.copy(out, 0);
  out.writeUInt16BE(slot, keyBytes.length);
  return out;
}

function corrupt(store: string, what: string): IotpError {
  return new IotpError('STATE_CORRUPT', `store ${store}: ${what}`, { context: { store } });
}
