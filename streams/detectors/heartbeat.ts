import { ConfigError } from '../../lib/errors.js';
import type { Anomaly } from './types.js';

/** Gaps remembered: the usual interval is their median, so it follows a device that changes pace. */
export const HEARTBEAT_RECENT_GAPS = 15;

/**
 * Missing heartbeat, as pure functions for a wall-clock punctuator: {@link heartbeatObserve} learns
 * a device's usual interval from its readings (the median of its last 15 gaps: one long outage does
 * not teach it to wait longer, and a device that changes pace is followed within a few readings);
 * {@link heartbeatCheck} says, at a given time, whether the device has been silent for more than
 * `tolerance` times that interval.
 * Until `minSamples` gaps are seen the configured `expectedInterval` is used, or, without one, the
 * status stays UNKNOWN.
 */
export interface HeartbeatConfig {
  /** Silence longer than tolerance × interval is MISSING. */
  tolerance: number;
  /** Fallback interval (ms) until the device's own is learned; undefined = none. */
  expectedInterval?: number;
  /** Gaps needed before the learned median is trusted. */
  minSamples: number;
}

export const DEFAULT_HEARTBEAT: HeartbeatConfig = { tolerance: 3, minSamples: 5 };

export type HeartbeatStatus = 'OK' | 'MISSING' | 'UNKNOWN';

export interface HeartbeatState {
  /** Latest reading time seen (event time, ms); null before the first. */
  lastSeen: number | null;
  /** The latest gaps (ms), a ring of at most {@link HEARTBEAT_RECENT_GAPS}. */
  recent: number[];
  /** Gaps seen, ever (the ring's next slot is samples % its size). */
  samples: number;
  /** Status last reported by {@link heartbeatPunctuate}. */
  reported: HeartbeatStatus;
}

/** What {@link heartbeatCheck} found at `now`. */
export interface HeartbeatCheck {
  status: HeartbeatStatus;
  silentMs: number;
  /** The interval the verdict used (learned median or fallback); undefined while UNKNOWN. */
  intervalMs?: number;
  /** When the device turns (or turned) MISSING if it stays silent. */
  deadline?: number;
}

export function heartbeatState(): HeartbeatState {
  return { lastSeen: null, recent: [], samples: 0, reported: 'UNKNOWN' };
}

export function validateHeartbeat(config: HeartbeatConfig, key = 'detectors.missing'): HeartbeatConfig {
  if (!(config.tolerance >= 1))
    throw new ConfigError(`${key}.tolerance`, `expected a number >= 1, got ${config.tolerance}`);
  if (config.expectedInterval !== undefined && !(config.expectedInterval > 0)) {
    throw new ConfigError(
      `${key}.expectedInterval`,
      `expected a positive duration in ms, got ${config.expectedInterval}`,
    );
  }
  if (!Number.isInteger(config.minSamples) || config.minSamples < 1) {
    throw new ConfigError(`${key}.minSamples`, `expected an integer >= 1, got ${config.minSamples}`);
  }
  return config;
}

/**
 * Folds a reading's time in. Readings older than the latest (out of order) teach nothing; equal
 * times (a batch) are not a gap.
 */
export function heartbeatObserve(s: HeartbeatState, ts: number): void {
  if (s.lastSeen !== null && ts > s.lastSeen) {
    s.recent ??= []; // a state from before the ring
    s.recent[s.samples % HEARTBEAT_RECENT_GAPS] = ts - s.lastSeen;
    s.samples++;
  }
  if (s.lastSeen === null || ts > s.lastSeen) s.lastSeen = ts;
}

/** The interval a verdict uses: the median of the recent gaps once trusted, else the fallback. */
export function heartbeatInterval(s: HeartbeatState, c: HeartbeatConfig): number | undefined {
  const recent = s.recent ?? [];
  if (s.samples < c.minSamples || recent.length === 0) return c.expectedInterval;
  const sorted = [...recent].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * The status at `now` (wall clock, ms, on the same clock as the observed times).
 *
 * @example
 *   const s = heartbeatState();
 *   for (const t of [0, 60_000, 120_000, 180_000, 240_000, 300_000]) heartbeatObserve(s, t);
 *   heartbeatCheck(s, 300_000 + 200_000, DEFAULT_HEARTBEAT).status // 'MISSING' (silent > 3 × 60 s)
 */
export function heartbeatCheck(s: HeartbeatState, now: number, c: HeartbeatConfig): HeartbeatCheck {
  if (s.lastSeen === null) return { status: 'UNKNOWN', silentMs: 0 };
  const silentMs = Math.max(0, now - s.lastSeen);
  const intervalMs = heartbeatInterval(s, c);
  if (intervalMs === undefined || intervalMs <= 0) return { status: 'UNKNOWN', silentMs };
  const deadline = s.lastSeen + c.tolerance * intervalMs;
  return { status: now > deadline ? 'MISSING' : 'OK', silentMs, intervalMs, deadline };
}

/**
 * For the punctuator: checks at `now` and reports whether the status changed since the last call
 * (so MISSING is emitted once per silence, and OK once when the device is back).
 */
export function heartbeatPunctuate(
  s: HeartbeatState,
  now: number,
  c: HeartbeatConfig,
): HeartbeatCheck & { changed: boolean } {
  const check = heartbeatCheck(s, now, c);
  const changed = check.status !== s.reported && check.status !== 'UNKNOWN';
  if (changed) s.reported = check.status;
  return { ...check, changed };
}

/** The anomaly record's detector part for a MISSING verdict: expected = the usual interval (ms). */
export function missingAnomaly(check: HeartbeatCheck, c: HeartbeatConfig): Anomaly {
  const interval = check.intervalMs ?? 0;
  return { kind: 'MISSING', expected: interval, lower: 0, upper: c.tolerance * interval, detector: 'heartbeat' };
}
