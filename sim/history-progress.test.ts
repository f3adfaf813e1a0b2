import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { HistoryStats } from './history-loop.js';
import { createHistoryProgress, historyProgressLine } from './history-progress.js';
import { T0 } from './test-fixtures.js';

const stats = (elapsedMs: number, rounds: number, over: Partial<HistoryStats> = {}): HistoryStats => ({
  rounds,
  targetRounds: 1440,
  readingsPerRound: 100,
  growthPerS: 0,
  messagesSent: rounds * 100,
  messagesAcked: rounds * 100 - 5,
  readingsSent: rounds * 100,
  readingsAcked: rounds * 100 - 5,
  malformedSent: 0,
  errors: 0,
  inFlight: 5,
  eventTs: T0 + (rounds - 1) * 60_000,
  elapsedMs,
  ...over,
});

describe('history progress', () => {
  it('shows readings/s since the last line, % of the rounds done and the ETA at that rate', () => {
    const line = historyProgressLine(stats(10_000, 360), stats(5_000, 160));
    expect(line).toEqual({
      elapsedS: 10,
      rate: 4000,
      sent: 36_000,
      acked: 35_995,
      percent: 25,
      etaS: 27, // (1440 - 360) rounds x 100 readings / 4000 per s
      eventTime: new Date(T0 + 359 * 60_000).toISOString(),
    });
  });

  it('while catching up, the ETA counts what the clock adds, and is null when the history does not gain', () => {
    const gaining = historyProgressLine(stats(10_000, 360, { growthPerS: 1000 }), stats(5_000, 160));
    expect(gaining.etaS).toBe(36); // 108000 readings / (4000 - 1000) per s
    const losing = historyProgressLine(stats(10_000, 360, { growthPerS: 5000 }), stats(5_000, 160));
    expect(losing.etaS).toBeNull();
    expect(historyProgressLine(stats(0, 0, { eventTs: Number.NaN }), undefined)).toMatchObject({
      rate: 0,
      percent: 0,
      eventTime: null,
    });
  });

  it('off a terminal writes a {"history": ...} JSON line every interval', () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (d) => {
      text += d;
    });
    const reporter = createHistoryProgress({ stream, everyS: 5 });
    reporter.update(stats(0, 1));
    reporter.update(stats(2_000, 100)); // within the interval: no line
    reporter.update(stats(5_000, 500));
    reporter.stop();
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[1].history).toMatchObject({ elapsedS: 5, rate: 9980, percent: 34.7, sent: 50_000 });
  });
});
