import { type HeartbeatConfig, heartbeatInterval, heartbeatObserve } from '../../detectors/index.js';
import type { DeviceState } from './device-state.js';

/**
 * Folds a reading in: its event time teaches the usual interval; `wallNow` restarts the silence.
 * It ends a reported silence, unless the device was reported OFFLINE after the reading was taken
 * (a status processed before older readings of the same device: the topics are read side by side).
 */
export function observeReading(s: DeviceState, ts: number, wallNow: number): void {
  heartbeatObserve(s.heartbeat, ts);
  if (ts > s.lastTs) s.lastTs = ts;
  s.arrival = wallNow;
  if (s.offlineTs === null || ts > s.offlineTs) {
    s.reported = 'OK';
    s.offlineTs = null;
  }
}

/** A silence to report: how long, the interval it was judged against, when the next reading was due (event time). */
export interface Silence {
  silentMs: number;
  intervalMs: number;
  dueTs: number;
}

/**
 * The missing-heartbeat verdict at wall-clock `now`: a device silent (on the wall clock, since its
 * latest reading was processed, or since `notBefore`, when the task opened) for more than
 * tolerance x its usual interval, and not reported yet. Undefined otherwise, or while the interval
 * is unknown (no learned gaps and no configured fallback).
 *
 * @example
 *   const s = checkSilence(state, clock(), taskOpenedAt, heartbeatConfig(config.detectors));
 *   if (s) { state.reported = 'MISSING'; emit(...); }
 */
export function checkSilence(s: DeviceState, now: number, notBefore: number, c: HeartbeatConfig): Silence | undefined {
  if (s.reported === 'MISSING' || !Number.isFinite(s.arrival)) return undefined;
  const intervalMs = heartbeatInterval(s.heartbeat, c);
  if (intervalMs === undefined || !(intervalMs > 0)) return undefined;
  const silentMs = now - Math.max(s.arrival, notBefore);
  if (silentMs <= c.tolerance * intervalMs) return undefined;
  return { silentMs, intervalMs, dueTs: Math.round(s.lastTs + intervalMs) };
}
