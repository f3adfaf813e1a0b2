import { describe, expect, it } from 'vitest';
import { formatNabTimestamp, parseNabTimestamp } from './timestamp.js';

describe('NAB timestamps', () => {
  it('reads data and window timestamps as UTC and writes them back', () => {
    expect(parseNabTimestamp('2014-02-19 10:50:00.000000')).toBe(Date.UTC(2014, 1, 19, 10, 50));
    expect(parseNabTimestamp('2014-02-19 10:50:00')).toBe(parseNabTimestamp('2014-02-19 10:50:00.000000'));
    expect(formatNabTimestamp(parseNabTimestamp('2013-07-04 01:00:00'))).toBe('2013-07-04 01:00:00');
  });

  it('rejects text that is not a timestamp with a coded error', () => {
    expect(() => parseNabTimestamp('yesterday')).toThrow(expect.objectContaining({ code: 'NAB_BAD_TIMESTAMP' }));
  });
});
