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

/** How far the task has read: its stream time, and whether it is at the end of its input. */
export interface TaskProgress {
  streamTime: number;
  caughtUp: boolean;
}

/**
 * The missing-heartbeat verdict at wall-clock `now`: a device silent (on the wall clock, since its
 * latest reading was processed, or since `notBefore`, when the task opened) for more than
 * tolerance x its usual interval, and not reported yet. Undefined otherwise, or while the interval
 * is unknown (no learned gaps and no configured fallback).
 *
 * Wall-clock silence alone is not proof while the task is behind its input: the device's next
 * readings may be queued in Kafka, unread. So the verdict also needs one of
 * - the task caught up with its input (nothing unread: the device really sent nothing), or
 * - the task's stream time past the device's latest reading by more than tolerance x interval
 *   (the partition's other devices were read that far, and this one had nothing in between).
 *
 * @example
 *   const s = checkSilence(state, clock(), taskOpenedAt, heartbeatConfig(config.detectors), progress);
 *   if (s) { state.reported = 'MISSING'; emit(...); }
 */
export function checkSilence(
  s: DeviceState,
  now: number,
  notBefore: number,
  c: HeartbeatConfig,
  progress: TaskProgress,
): Silence | undefined {
  if (s.reported === 'MISSING' || !Number.isFinite(s.arrival)) return undefined;
  const intervalMs = heartbeatInterval(s.heartbeat, c);
  if (intervalMs === undefined || !(intervalMs > 0)) return undefined;
  const limit = c.tolerance * intervalMs;
  const silentMs = now - Math.max(s.arrival, notBefore);
  if (silentMs <= limit) return undefined;
  if (!progress.caughtUp && !(progress.streamTime - s.lastTs > limit)) return undefined;
  return { silentMs, intervalMs, dueTs: Math.round(s.lastTs + intervalMs) };
}
