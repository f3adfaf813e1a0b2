import { formatDuration } from '../lib/config/duration.js';
import { ConfigError } from '../lib/errors.js';

/**
 * The longest history: Kafka's 7-day time retention deletes records whose timestamps are older,
 * and the MQTT source refuses event times more than 7 days before it receives them
 * (limits.maxPastMs); a day of margin for the run itself.
 */
export const MAX_HISTORY_MS = 6 * 86_400_000;

/** The MQTT source refuses event times further ahead of its clock than `mqtt.maxClockSkew` (5 min by default). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Refuses a history the pipeline would not take: one starting more than MAX_HISTORY_MS before now
 * (possible with a --start-ts in the past), or ending (where the live part starts) more than
 * MAX_CLOCK_SKEW_MS ahead of now (a --start-ts in the future). ConfigErrors name the flag.
 */
export function checkHistoryBounds(historyStartTs: number, liveStartTs: number, now: number): void {
  if (historyStartTs < now - MAX_HISTORY_MS)
    throw new ConfigError(
      '--history',
      `expected the history to start at most ${formatDuration(MAX_HISTORY_MS)} before now, but it starts at ${new Date(historyStartTs).toISOString()} (--start-ts minus --history): Kafka's 7-day retention and the MQTT source's 7-day limit would drop it`,
    );
  if (liveStartTs > now + MAX_CLOCK_SKEW_MS)
    throw new ConfigError(
      '--start-ts',
      `expected at most ${formatDuration(MAX_CLOCK_SKEW_MS)} ahead of now with --history, got ${new Date(liveStartTs).toISOString()}: the MQTT source refuses event times further in the future (mqtt.maxClockSkew)`,
    );
}
