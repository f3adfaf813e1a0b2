import { describe, expect, it } from 'vitest';
import { isExpired } from './expiry.js';

describe('isExpired', () => {
  it('expires at the expiry instant, never without one', () => {
    expect(isExpired({ expiry: 1_000 }, 999)).toBe(false);
    expect(isExpired({ expiry: 1_000 }, 1_000)).toBe(true);
    expect(isExpired({ expiry: 1_000 }, 5_000)).toBe(true);
    expect(isExpired({ expiry: null }, Number.MAX_SAFE_INTEGER)).toBe(false);
  });
});
