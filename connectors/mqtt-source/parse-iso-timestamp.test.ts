import { describe, expect, it } from 'vitest';
import { parseIsoTimestamp } from './parse-iso-timestamp.js';

describe('parseIsoTimestamp', () => {
  it.each([
    ['2024-05-01T12:00:00Z', Date.UTC(2024, 4, 1, 12)],
    ['2024-05-01T12:00:00.250+02:00', Date.UTC(2024, 4, 1, 10, 0, 0, 250)],
    ['2024-05-01T12:00-01:30', Date.UTC(2024, 4, 1, 13, 30)],
    ['2024-02-29T00:00:00.123456Z', Date.UTC(2024, 1, 29, 0, 0, 0, 123)],
    ['2024-05-01T12:00:00.5Z', Date.UTC(2024, 4, 1, 12, 0, 0, 500)],
  ])('%s -> epoch ms', (text, expected) => {
    expect(parseIsoTimestamp(text)).toBe(expected);
  });

  it.each([
    '2024-05-01T12:00:00', // no zone: ambiguous
    '2024-05-01',
    '2023-02-29T00:00:00Z', // not a leap year
    '2024-02-30T00:00:00Z',
    '2024-01-01T24:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-05-01T12:00:00+0200',
    '1714564800000',
    'yesterday',
  ])('refuses %j', (text) => {
    expect(parseIsoTimestamp(text)).toBeUndefined();
  });
});
