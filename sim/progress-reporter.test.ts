import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressReporter } from './progress-reporter.js';
import type { PublishStats } from './publish-loop.js';

const stats = (elapsedMs: number, sent: number): PublishStats => ({
  due: sent + 3,
  slots: sent,
  messagesSent: sent,
  messagesAcked: sent - 2,
  readingsSent: sent,
  readingsAcked: sent - 2,
  malformedSent: 0,
  errors: 1,
  inFlight: 2,
  maxBehind: 3,
  elapsedMs,
});

describe('createProgressReporter off a terminal', () => {
  it('writes a JSON line every interval with rate, sent, acked, errors and how far behind', () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (d) => {
      text += d;
    });
    const reporter = createProgressReporter({ stream, everyS: 5 });
    reporter.update(stats(0, 0));
    reporter.update(stats(2_000, 2_000)); // within the interval: no line
    reporter.update(stats(5_000, 5_000));
    reporter.update(stats(10_000, 15_000));
    reporter.stop();
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[2]).toEqual({
      progress: { elapsedS: 10, rate: 2000, sent: 15_000, acked: 14_998, inFlight: 2, errors: 1, behind: 3 },
    });
  });
});
