import { describe, expect, it } from 'vitest';
import { closedByLoadTarget, closeTarget, simulationArgs, startTsWithBoundaryAt } from './load.js';

const HOUR = 3_600_000;

describe('chaos load', () => {
  it('passes every flag to iotp simulate, per-device credentials included', () => {
    const args = simulationArgs({
      devices: 10,
      rate: 20,
      seconds: 30,
      seed: 1,
      devicePrefix: 'cabc',
      startTs: 1_000,
      anomalyRate: 2,
      url: 'mqtt://127.0.0.1:18832',
    });
    expect(args).toContain('--per-device-credentials');
    expect(args.join(' ')).toContain('--device-prefix cabc --start-ts 1000 --anomaly-rate 2');
    expect(args.join(' ')).toContain('--url mqtt://127.0.0.1:18832');
  });

  it('puts the last hour boundary the given seconds into the load', () => {
    const now = 10 * HOUR + 1234;
    expect(startTsWithBoundaryAt(now, 420, HOUR)).toBe(10 * HOUR - 420_000);
  });

  it('waits for the minute window of the last reading and the hour window before it', () => {
    const windows = [
      { size: 60_000, grace: 10_000 },
      { size: HOUR, grace: 120_000 },
    ];
    const lastTs = 10 * HOUR + 180_500;
    // minute: [10h+3m, 10h+4m) closes at 10h+4m+10s; hour: [9h, 10h) closes at 10h+2m
    expect(closeTarget(lastTs, windows, 300_000)).toBe(10 * HOUR + 250_000);
    expect(closeTarget(10 * HOUR + 30_000, windows, 300_000)).toBe(10 * HOUR + 120_000);
  });

  it('without waiting: the windows the load itself closed', () => {
    const windows = [
      { size: 60_000, grace: 10_000 },
      { size: HOUR, grace: 120_000 },
    ];
    // minute: [10h+2m, 10h+3m) closed at 10h+3m+10s <= last - 5 s; hour: [9h, 10h) closed at 10h+2m
    expect(closedByLoadTarget(10 * HOUR + 198_000, windows)).toBe(10 * HOUR + 190_000);
    // 3 s after the minute's close: that minute is not taken
    expect(closedByLoadTarget(10 * HOUR + 193_000, windows)).toBe(10 * HOUR + 130_000);
  });
});
