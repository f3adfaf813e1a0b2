import { describe, expect, it } from 'vitest';
import { createHeaderCache } from './header-cache.js';

describe('createHeaderCache', () => {
  it('gives node-rdkafka one-key objects in the record order, reusing them for repeated values', () => {
    const cache = createHeaderCache();
    const a = cache.toRdkafka({ 'mqtt.qos': '1', 'mqtt.topic': 't/1', at: '100' });
    const b = cache.toRdkafka({ 'mqtt.qos': '1', 'mqtt.topic': 't/2', at: '101' });
    expect(a).toEqual([{ 'mqtt.qos': '1' }, { 'mqtt.topic': 't/1' }, { at: '100' }]);
    expect(b).toEqual([{ 'mqtt.qos': '1' }, { 'mqtt.topic': 't/2' }, { at: '101' }]);
    expect(b[0]).toBe(a[0]);
    expect(b[1]).not.toBe(a[1]);
    expect(cache.toRdkafka({})).toEqual([]);
  });

  it('stays bounded: values past its limit still come out right', () => {
    const cache = createHeaderCache();
    for (let i = 0; i < 10_000; i++) expect(cache.toRdkafka({ at: String(i) })).toEqual([{ at: String(i) }]);
  });
});
