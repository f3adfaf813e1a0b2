import { describe, expect, it } from 'vitest';
import { namespaceFilters } from './namespace-filter.js';

describe('namespaceFilters', () => {
  it('covers every route and the status topic with the literal prefix', () => {
    expect(
      namespaceFilters([
        'sensors/{site}/{deviceId}/environment',
        'sensors/{site}/{deviceId}/power',
        'sensors/{site}/{deviceId}/status',
      ]),
    ).toEqual(['sensors/#']);
  });

  it('keeps separate namespaces apart and subscribes to everything when a template starts with a placeholder', () => {
    expect(namespaceFilters(['plant/a/{deviceId}/x', 'lab/{deviceId}'])).toEqual(['plant/a/#', 'lab/#']);
    expect(namespaceFilters(['{site}/{deviceId}/x', 'lab/{deviceId}'])).toEqual(['#']);
  });

  it('a template with no placeholder (impossible for routes, which need {deviceId}) still gets its subtree', () => {
    expect(namespaceFilters(['a/b'])).toEqual(['a/b/#']);
  });
});
