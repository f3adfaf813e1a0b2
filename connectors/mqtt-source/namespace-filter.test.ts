import { describe, expect, it } from 'vitest';
import { namespaceFilters, subscriptionFilters } from './namespace-filter.js';

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

describe('subscriptionFilters (issue 16: the command-status route beside the commands)', () => {
  const readings = [
    { mqtt: 'sensors/{site}/{deviceId}/environment', subscribe: 'namespace' as const },
    { mqtt: 'sensors/{site}/{deviceId}/power', subscribe: 'namespace' as const },
  ];

  it('an exact route gets its own filter, not its namespace: the commands on devices/+/cmd are not read', () => {
    const ack = { mqtt: 'devices/{deviceId}/cmd/ack', subscribe: 'exact' as const };
    expect(subscriptionFilters([...readings, ack], ['sensors/{site}/{deviceId}/status'])).toEqual([
      'sensors/#',
      'devices/+/cmd/ack',
    ]);
  });

  it('a second namespace route keeps its namespace, and an exact route a namespace covers is dropped', () => {
    expect(subscriptionFilters([...readings, { mqtt: 'devices/{deviceId}/cmd/ack', subscribe: 'namespace' }])).toEqual([
      'sensors/#',
      'devices/#',
    ]);
    expect(subscriptionFilters([...readings, { mqtt: 'sensors/x/{deviceId}/ack', subscribe: 'exact' }])).toEqual([
      'sensors/#',
    ]);
  });
});
