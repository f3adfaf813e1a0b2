import { describe, expect, it } from 'vitest';
import { archiveFilePath } from './layout.js';
import { dayKeyPrefix, hourMayHold, keyParts, objectKey, topicKeyPrefix } from './s3-keys.js';

const rel = archiveFilePath('date=2026-12-03/hour=08', {
  topic: 'telemetry.power',
  partition: 2,
  startOffset: '100',
  endOffset: '199',
});

describe('archive keys in a bucket', () => {
  it('puts the layout under the prefix, or at the top with none', () => {
    expect(objectKey('iot/archive', rel)).toBe(
      'iot/archive/telemetry.power/date=2026-12-03/hour=08/telemetry.power+2+100+199.parquet',
    );
    expect(objectKey('', rel)).toBe(rel);
    expect(topicKeyPrefix('iot', 'telemetry.power')).toBe('iot/telemetry.power/date=');
    expect(topicKeyPrefix('', 'telemetry.power')).toBe('telemetry.power/date=');
    expect(dayKeyPrefix('iot', 'telemetry.power', '2026-12-03')).toBe('iot/telemetry.power/date=2026-12-03/');
  });

  it('reads topic, hour folder and name back from a key', () => {
    for (const prefix of ['', 'iot', 'iot/archive']) {
      expect(keyParts(prefix, objectKey(prefix, rel))).toEqual({
        topic: 'telemetry.power',
        bucketDir: 'date=2026-12-03/hour=08',
        name: 'telemetry.power+2+100+199.parquet',
        relPath: rel,
      });
    }
  });

  it('ignores keys outside the prefix or the layout', () => {
    expect(keyParts('iot', rel)).toBeUndefined();
    expect(keyParts('iot', 'iotx/telemetry.power/date=2026-12-03/hour=08/a.parquet')).toBeUndefined();
    expect(keyParts('', 'telemetry.power/date=2026-12-03/a.parquet')).toBeUndefined();
    expect(keyParts('', 'telemetry.power/date=2026-12-03/hour=08/sub/a.parquet')).toBeUndefined();
    expect(keyParts('', '_tmp/a.parquet')).toBeUndefined();
  });
});

describe('which hour folders a time range needs', () => {
  const hour8 = 'date=2026-12-03/hour=08';
  it('keeps an hour that overlaps [since, until)', () => {
    expect(hourMayHold(hour8, undefined, undefined)).toBe(true);
    expect(hourMayHold(hour8, Date.UTC(2026, 11, 3, 8, 59), undefined)).toBe(true);
    expect(hourMayHold(hour8, undefined, Date.UTC(2026, 11, 3, 8, 0, 0, 1))).toBe(true);
    expect(hourMayHold(hour8, Date.UTC(2026, 11, 3, 7), Date.UTC(2026, 11, 3, 10))).toBe(true);
  });
  it('drops an hour wholly before since or at or after until', () => {
    expect(hourMayHold(hour8, Date.UTC(2026, 11, 3, 9), undefined)).toBe(false);
    expect(hourMayHold(hour8, undefined, Date.UTC(2026, 11, 3, 8))).toBe(false);
    expect(hourMayHold('hour=08', undefined, undefined)).toBe(false);
  });
});
