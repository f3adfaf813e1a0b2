import { describe, expect, it } from 'vitest';
import { computeLag, totalLag } from './lag.js';

describe('computeLag', () => {
  it('is the distance from the committed offset to the high watermark', () => {
    const lags = computeLag(
      [
        { topic: 't', partition: 1, low: '0', high: '10' },
        { topic: 't', partition: 0, low: '0', high: '7' },
      ],
      [
        { topic: 't', partition: 0, offset: '7' },
        { topic: 't', partition: 1, offset: '4' },
      ],
    );
    expect(lags).toEqual([
      { topic: 't', partition: 0, high: '7', committed: '7', lag: 0 },
      { topic: 't', partition: 1, high: '10', committed: '4', lag: 6 },
    ]);
    expect(totalLag(lags)).toBe(6);
  });

  it('counts a partition with no commit from the log start, not from zero', () => {
    const [lag] = computeLag([{ topic: 't', partition: 0, low: '100', high: '130' }], []);
    expect(lag).toEqual({ topic: 't', partition: 0, high: '130', committed: null, lag: 30 });
  });

  it('counts a commit below the log start (retention deleted it) from the log start', () => {
    const [lag] = computeLag(
      [{ topic: 't', partition: 0, low: '50', high: '60' }],
      [{ topic: 't', partition: 0, offset: '20' }],
    );
    expect(lag?.lag).toBe(10);
  });

  it('never reports negative lag and keeps commits of other topics apart', () => {
    const lags = computeLag(
      [
        { topic: 'a', partition: 0, low: '0', high: '5' },
        { topic: 'b', partition: 0, low: '0', high: '5' },
      ],
      [
        { topic: 'a', partition: 0, offset: '9' },
        { topic: 'c', partition: 0, offset: '1' },
      ],
    );
    expect(lags.map((l) => [l.topic, l.lag])).toEqual([
      ['a', 0],
      ['b', 5],
    ]);
  });

  it('is exact beyond 2^53 offsets', () => {
    const [lag] = computeLag(
      [{ topic: 't', partition: 0, low: '0', high: '9007199254740999' }],
      [{ topic: 't', partition: 0, offset: '9007199254740990' }],
    );
    expect(lag?.lag).toBe(9);
  });
});
