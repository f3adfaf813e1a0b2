import { describe, expect, it } from 'vitest';
import { filterCovers, minimalFilters } from './filter-covers.js';

describe('filterCovers', () => {
  it.each([
    ['sensors/+/+/+', 'sensors/+/+/status', true],
    ['sensors/+/+/status', 'sensors/+/+/+', false],
    ['sensors/#', 'sensors/a/b/c', true],
    ['sensors/#', 'sensors', true],
    ['sensors/+', 'sensors/+/x', false],
    ['sensors/+/x', 'sensors/+', false],
    ['sensors/+', 'sensors/#', false],
    ['a/b', 'a/b', true],
  ])('%s covers %s: %s', (outer, inner, expected) => {
    expect(filterCovers(outer, inner)).toBe(expected);
  });

  it('minimalFilters drops covered filters and duplicates', () => {
    expect(minimalFilters(['sensors/+/+/power', 'sensors/+/+/+', 'sensors/+/+/+', 'other/+'])).toEqual([
      'sensors/+/+/+',
      'other/+',
    ]);
  });
});
