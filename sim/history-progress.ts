import { Presets, SingleBar } from 'cli-progress';
import type { HistoryStats } from './history-loop.js';

/** Where history progress goes and how often (off a terminal). */
export interface HistoryProgressOptions {
  /** Where progress goes (stderr: stdout carries the summary). */
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  /** Seconds between two JSON lines when the stream is not a terminal. */
  everyS: number;
}

/**
 * Shows the history phase's progress: a cli-progress bar on a terminal, otherwise a JSON line every
 * `everyS` seconds, e.g.
 * `{"history":{"elapsedS":5,"rate":21000,"sent":105000,"acked":104200,"percent":7.3,"etaS":64,"eventTime":"2025-01-14T03:12:00.000Z"}}`.
 * The rate is readings sent per second since the previous update; the ETA divides what is left by
 * that rate minus what the wall clock adds while the history catches up with now (null when it
 * does not gain).
 */
export interface HistoryProgress {
  update(stats: HistoryStats): void;
  stop(): void;
}

/** The figures one progress update shows. */
export interface HistoryProgressLine {
  elapsedS: number;
  rate: number;
  sent: number;
  acked: number;
  percent: number;
  etaS: number | null;
  eventTime: string | null;
}

/** Pure: the figures of `s`, with the rate measured since `previous`. */
export function historyProgressLine(s: HistoryStats, previous: HistoryStats | undefined): HistoryProgressLine {
  const rate =
    previous && s.elapsedMs > previous.elapsedMs
      ? Math.round(((s.readingsSent - previous.readingsSent) * 1000) / (s.elapsedMs - previous.elapsedMs))
      : 0;
  const percent = s.targetRounds > 0 ? Math.min(100, Math.round((s.rounds * 1000) / s.targetRounds) / 10) : 100;
  const left = Math.max(0, s.targetRounds - s.rounds) * s.readingsPerRound;
  const gain = rate - s.growthPerS;
  const etaS = left === 0 ? 0 : gain > 0 ? Math.round(left / gain) : null;
  return {
    elapsedS: Math.round(s.elapsedMs / 100) / 10,
    rate,
    sent: s.readingsSent,
    acked: s.readingsAcked,
    percent,
    etaS,
    eventTime: Number.isFinite(s.eventTs) ? new Date(s.eventTs).toISOString() : null,
  };
}

export function createHistoryProgress(options: HistoryProgressOptions): HistoryProgress {
  let last: HistoryStats | undefined;
  if (options.stream.isTTY) {
    const bar = new SingleBar(
      {
        stream: options.stream,
        format:
          'history  [{bar}] {percentage}% | {rate} readings/s | acked {acked} | event time {eventTime} | ETA {etaText}',
        hideCursor: true,
      },
      Presets.shades_classic,
    );
    bar.start(1, 0, { rate: 0, acked: 0, eventTime: '-', etaText: '-' });
    return {
      update(s) {
        const line = historyProgressLine(s, last);
        last = s;
        bar.setTotal(Math.max(1, s.targetRounds));
        bar.update(s.rounds, {
          rate: line.rate,
          acked: line.acked,
          eventTime: line.eventTime ?? '-',
          etaText: line.etaS === null ? 'n/a (not gaining on the clock)' : `${line.etaS} s`,
        });
      },
      stop() {
        bar.stop();
      },
    };
  }
  let lastLineMs = Number.NEGATIVE_INFINITY;
  return {
    update(s) {
      if (s.elapsedMs - lastLineMs < options.everyS * 1000) return;
      lastLineMs = s.elapsedMs;
      const line = historyProgressLine(s, last);
      last = s;
      options.stream.write(`${JSON.stringify({ history: line })}\n`);
    },
    stop() {},
  };
}
