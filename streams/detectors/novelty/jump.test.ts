import { describe, expect, it } from 'vitest';
import { DEFAULT_JUMP, JUMP_SLOTS, jumpInit, jumpRestart, jumpUpdate } from './jump.js';

const RED = 0.99999;
const YELLOW = 0.999;

/** Deterministic standard normal draws (LCG + Box-Muller). */
function normals(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

function channel() {
  const f = new Float64Array(JUMP_SLOTS);
  jumpInit(f, 0);
  return (x: number, seasonal = Number.NaN) => jumpUpdate(f, 0, x, DEFAULT_JUMP, RED, YELLOW, seasonal);
}

describe('jump channel', () => {
  it('stays below red on Gaussian noise and goes red on one spike of 12 sigmas', () => {
    const next = channel();
    const noise = normals(1);
    let red = 0;
    for (let i = 0; i < 5000; i++) if (next(10 + noise()) >= RED) red++;
    expect(red).toBe(0);
    expect(next(10 + 12)).toBeGreaterThanOrEqual(RED);
    // The next record, back to normal, is not another jump.
    expect(next(10 + noise())).toBeLessThan(RED);
  });

  it('learns a jump that comes back every day at the same time (the seasonal forecast explains it)', () => {
    const next = channel();
    const noise = normals(2);
    const day = 288;
    const wave = (i: number) => (i % day < day / 2 ? 10 : 30);
    const profile = new Float64Array(day).fill(Number.NaN);
    const redDays = new Set<number>();
    for (let i = 0; i < 10 * day; i++) {
      const x = wave(i) + 0.1 * noise();
      const bin = i % day;
      const seasonal = profile[bin] as number;
      if (next(x, seasonal) >= RED) redDays.add(Math.floor(i / day));
      profile[bin] = Number.isNaN(seasonal) ? x : seasonal + 0.05 * (x - seasonal);
    }
    // The first day has no profile yet; from the second day on the step is expected.
    expect([...redDays].every((d) => d < 2)).toBe(true);
  });

  it('takes jumps that keep coming for the series normal (red records teach the tail, winsorised)', () => {
    const next = channel();
    const noise = normals(3);
    const reds: number[] = [];
    for (let i = 0; i < 6000; i++) {
      const spike = i > 500 && i % 100 === 0;
      if (next(spike ? 50 : noise()) >= RED && spike) reds.push(i);
    }
    expect(reds.length).toBeGreaterThan(0);
    expect(reds.length).toBeLessThan(15);
    expect(Math.max(...reds)).toBeLessThan(3000);
  });

  it('judges a sparse series by its moves: runs of zeros do not shrink the typical error', () => {
    const next = channel();
    const noise = normals(4);
    let redSpikes = 0;
    for (let i = 0; i < 4000; i++) {
      const burst = i % 40 < 3;
      const l = next(burst ? Math.abs(1 + 0.5 * noise()) : 0);
      if (l >= RED && i > 2000) redSpikes++;
    }
    expect(redSpikes).toBe(0);
  });

  it('goes red in a noise burst of five times the usual noise', () => {
    const next = channel();
    const noise = normals(5);
    for (let i = 0; i < 3000; i++) next(noise());
    let red = false;
    for (let i = 0; i < 30; i++) red = next(5 * noise()) >= RED || red;
    expect(red).toBe(true);
  });

  it('starts its forecast over after a restart, keeping what it learned of the tail', () => {
    const f = new Float64Array(JUMP_SLOTS);
    jumpInit(f, 0);
    const noise = normals(6);
    for (let i = 0; i < 2000; i++) jumpUpdate(f, 0, noise(), DEFAULT_JUMP, RED, YELLOW);
    jumpRestart(f, 0);
    // Back at another level after a gap: the first record sets the forecast, it is no jump.
    expect(jumpUpdate(f, 0, 40, DEFAULT_JUMP, RED, YELLOW)).toBe(0);
    expect(jumpUpdate(f, 0, 40 + noise(), DEFAULT_JUMP, RED, YELLOW)).toBeLessThan(RED);
  });
});
