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
 * The missing-heartbeat verdict at wall-clock `now`: a device silent for more than tolerance x its
 * usual interval, and not reported yet. Undefined otherwise, or while the interval is unknown (no
 * learned gaps and no configured fallback). Silent means both
 * - on stream time: the stream time of the device's own input (its reading type's topic, in this
 *   task) is past its latest reading by more than the limit (the partition was read that far, and
 *   this device had nothing in between), and
 * - on the wall clock: nothing from the device was processed for longer than the limit (since its
 *   latest reading arrived, or since `notBefore`, when the task opened).
 *
 * Stream time is what makes the verdict hold under load: while the worker is behind its input, or
 * the pipeline upstream stalls, stream time stands still for every device alike and nobody is
 * MISSING; a wall clock alone flagged whole partitions whenever arrivals paused for longer than
 * the limit. The stream time is the topic's own, not the task's: a task reads its co-partitioned
 * topics batch by batch, so one topic may be read seconds ahead of another (which made the other's
 * devices look silent). A partition whose devices all went quiet has no stream time to go by until the
 * idle rule (`streams.idleTimeout`) moves it on: its devices are MISSING after idleTimeout of
 * quiet (or the limit, if longer).
 *
 * @example
 *   const s = checkSilence(state, clock(), ctx.currentStreamTimeMs(), taskOpenedAt, heartbeatConfig(config.detectors));
 *   if (s) { state.reported = 'MISSING'; emit(...); }
 */
export function checkSilence(
  s: DeviceState,
  now: number,
  streamTime: number,
  notBefore: number,
  c: HeartbeatConfig,
): Silence | undefined {
  if (s.reported === 'MISSING' || !Number.isFinite(s.arrival)) return undefined;
  const intervalMs = heartbeatInterval(s.heartbeat, c);
  if (intervalMs === undefined || !(intervalMs > 0)) return undefined;
  const limit = c.tolerance * intervalMs;
  if (!(streamTime - s.lastTs > limit)) return undefined;
  const silentMs = now - Math.max(s.arrival, notBefore);
  if (silentMs <= limit) return undefined;
  return { silentMs, intervalMs, dueTs: Math.round(s.lastTs + intervalMs) };
}

/**
 * A silence seen after the fact, when the device is back: its reading at `ts` came more than
 * tolerance x its usual interval after the previous one, and no MISSING was reported in between
 * (a silence shorter than the punctuator's check interval, or one that ended while the worker was
 * away). Event time only, so it is exact whatever the pipeline's delays. Call it before
 * {@link observeReading} folds the reading in.
 */
export function silenceBefore(s: DeviceState, ts: number, c: HeartbeatConfig): Silence | undefined {
  if (s.reported === 'MISSING' || !Number.isFinite(s.lastTs) || !(ts > s.lastTs)) return undefined;
  const intervalMs = heartbeatInterval(s.heartbeat, c);
  if (intervalMs === undefined || !(intervalMs > 0)) return undefined;
  const gap = ts - s.lastTs;
  if (gap <= c.tolerance * intervalMs) return undefined;
  return { silentMs: gap, intervalMs, dueTs: Math.round(s.lastTs + intervalMs) };
}
