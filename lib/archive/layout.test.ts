import { describe, expect, it } from 'vitest';
import { archiveFileName, archiveFilePath, hourBucket, parseArchiveFileName } from './layout.js';

describe('archive layout', () => {
  it('puts an event time in its UTC hour folder', () => {
    expect(hourBucket(Date.UTC(2026, 11, 3, 8, 59, 59, 999))).toEqual({
      dir: 'date=2026-12-03/hour=08',
      startMs: Date.UTC(2026, 11, 3, 8),
    });
    expect(hourBucket(Date.UTC(2026, 0, 1, 0, 0)).dir).toBe('date=2026-01-01/hour=00');
    expect(hourBucket(Date.UTC(2026, 11, 31, 23, 30)).dir).toBe('date=2026-12-31/hour=23');
  });

  it('names files by topic, partition and first and last offset, and reads the name back', () => {
    const f = { topic: 'telemetry.power', partition: 2, startOffset: '100', endOffset: '199' };
    expect(archiveFileName(f)).toBe('telemetry.power+2+100+199.parquet');
    expect(parseArchiveFileName('telemetry.power+2+100+199.parquet')).toEqual(f);
    expect(archiveFilePath('date=2026-12-03/hour=08', f)).toBe(
      'telemetry.power/date=2026-12-03/hour=08/telemetry.power+2+100+199.parquet',
    );
  });

  it('ignores temporary files and names that are not data files', () => {
    expect(parseArchiveFileName('.tmp-telemetry.power+2+100+199.parquet')).toBeUndefined();
    expect(parseArchiveFileName('telemetry.power+2+100.parquet')).toBeUndefined();
    expect(parseArchiveFileName('telemetry.power+2+200+199.parquet')).toBeUndefined();
    expect(parseArchiveFileName('telemetry.power+2+100+199.parquet.tmp')).toBeUndefined();
  });

  it('keeps offsets beyond 2^53 exact', () => {
    const big = '9007199254740993';
    expect(parseArchiveFileName(`t+0+${big}+${big}.parquet`)?.endOffset).toBe(big);
  });
});
