import { describe, expect, it } from 'vitest';
import { withMatchCache } from './cached-template.js';
import { compileTopicTemplate } from './topic-template.js';

describe('withMatchCache', () => {
  it('answers as the template does, from memory after the first time, within its bound', () => {
    const inner = compileTopicTemplate('sensors/{site}/{deviceId}/status');
    let calls = 0;
    const counted = {
      ...inner,
      match(t: string) {
        calls++;
        return inner.match(t);
      },
    };
    const cached = withMatchCache(counted, 2);
    for (let i = 0; i < 3; i++) {
      expect(cached.match('sensors/lab/d1/status')).toEqual({ site: 'lab', deviceId: 'd1' });
      expect(cached.match('sensors/lab/d1/environment')).toBeUndefined();
    }
    expect(calls).toBe(2);
    cached.match('sensors/lab/d2/status'); // a third topic: the memory starts over
    cached.match('sensors/lab/d1/status');
    expect(calls).toBe(4);
    expect(cached.filter).toBe('sensors/+/+/status');
  });
});
