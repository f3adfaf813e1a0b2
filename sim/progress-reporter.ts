import { Presets, SingleBar } from 'cli-progress';
import type { PublishStats } from './publish-loop.js';

export interface ProgressReporterOptions {
  /** Where progress goes (stderr: stdout carries the summary). */
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  /** Readings in the whole run; undefined when it runs until interrupted. */
  totalReadings?: number;
  /** Seconds between two JSON lines when the stream is not a terminal. */
  everyS: number;
}

/**
 * Shows a run's progress: a cli-progress bar (rate, sent, acked, errors) on a terminal, otherwise
 * a JSON line every `everyS` seconds, e.g.
 * `{"progress":{"elapsedS":5,"rate":998,"sent":5000,"acked":4990,"inFlight":10,"errors":0,"behind":0}}`.
 */
export interface ProgressReporter {
  update(stats: PublishStats): void;
  stop(): void;
}

export function createProgressReporter(options: ProgressReporterOptions): ProgressReporter {
  let last: PublishStats | undefined;
  let lastLineMs = Number.NEGATIVE_INFINITY;
  const rateSince = (s: PublishStats) =>
    last && s.elapsedMs > last.elapsedMs
      ? Math.round(((s.readingsSent - last.readingsSent) * 1000) / (s.elapsedMs - last.elapsedMs))
      : 0;

  if (options.stream.isTTY) {
    const bar = new SingleBar(
      {
        stream: options.stream,
        format:
          options.totalReadings === undefined
            ? 'simulate | {rate} readings/s | sent {sent} | acked {acked} | in flight {inFlight} | errors {errors} | behind {behind}'
            : 'simulate [{bar}] {percentage}% | {rate} readings/s | sent {sent} | acked {acked} | errors {errors} | behind {behind}',
        hideCursor: true,
        etaBuffer: 50,
      },
      Presets.shades_classic,
    );
    bar.start(options.totalReadings ?? 0, 0, { rate: 0, sent: 0, acked: 0, inFlight: 0, errors: 0, behind: 0 });
    return {
      update(s) {
        const payload = {
          rate: rateSince(s),
          sent: s.readingsSent,
          acked: s.readingsAcked,
          inFlight: s.inFlight,
          errors: s.errors,
          behind: s.due - s.slots,
        };
        last = s;
        bar.update(Math.min(s.readingsSent, options.totalReadings ?? s.readingsSent), payload);
      },
      stop() {
        bar.stop();
      },
    };
  }

  return {
    update(s) {
      if (s.elapsedMs - lastLineMs < options.everyS * 1000) return;
      lastLineMs = s.elapsedMs;
      const line = {
        progress: {
          elapsedS: Math.round(s.elapsedMs / 100) / 10,
          rate: rateSince(s),
          sent: s.readingsSent,
          acked: s.readingsAcked,
          inFlight: s.inFlight,
          errors: s.errors,
          behind: s.due - s.slots,
        },
      };
      last = s;
      options.stream.write(`${JSON.stringify(line)}\n`);
    },
    stop() {},
  };
}
