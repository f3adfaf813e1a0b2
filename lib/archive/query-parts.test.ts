import { describe, expect, it } from 'vitest';
import { formatResult } from './format.js';
import { parseTimeBound, timeRangeFilter } from './time-range.js';
import { viewName } from './views.js';

describe('archive query parts', () => {
  it('names a view after its topic', () => {
    expect(viewName('telemetry.environment', 'telemetry.')).toBe('environment');
    expect(viewName('telemetry.power.agg.1m', 'telemetry.')).toBe('power_agg_1m');
    expect(viewName('other-topic', 'telemetry.')).toBe('other_topic');
  });

  it('reads --since/--until as ISO or as a duration ago', () => {
    const now = Date.UTC(2026, 11, 3, 12);
    expect(parseTimeBound('--since', '7d', now)).toBe(now - 7 * 86_400_000);
    expect(parseTimeBound('--since', '2026-12-01', now)).toBe(Date.UTC(2026, 11, 1));
    expect(parseTimeBound('--since', '2026-12-01T08:30', now)).toBe(Date.UTC(2026, 11, 1, 8, 30));
    expect(() => parseTimeBound('--since', 'yesterday', now)).toThrow(/--since/);
  });

  it('filters on the hive folders (pruning) and on the event time', () => {
    const since = Date.UTC(2026, 11, 1, 8, 30);
    const until = Date.UTC(2026, 11, 2, 0, 0);
    expect(timeRangeFilter({ sinceMs: since, untilMs: until }, 'ts')).toBe(
      "(date > DATE '2026-12-01' OR (date = DATE '2026-12-01' AND hour >= 8)) AND \"ts\" >= TIMESTAMP '2026-12-01 08:30:00.000'" +
        " AND (date < DATE '2026-12-01' OR (date = DATE '2026-12-01' AND hour <= 23)) AND \"ts\" < TIMESTAMP '2026-12-02 00:00:00.000'",
    );
    expect(timeRangeFilter({ sinceMs: since }, undefined)).toBe(
      "(date > DATE '2026-12-01' OR (date = DATE '2026-12-01' AND hour >= 8))",
    );
  });

  it('prints a table, CSV and JSON', () => {
    const rows = [
      { site: 'a,b', n: '2' },
      { site: null, n: '1' },
    ];
    expect(formatResult(['site', 'n'], rows, 'csv')).toBe('site,n\n"a,b",2\n,1\n');
    expect(formatResult(['site', 'n'], rows, 'table')).toBe('site  n\n----  -\na,b   2\nNULL  1\n(2 rows)\n');
    expect(JSON.parse(formatResult(['site', 'n'], rows, 'json'))).toEqual(rows);
  });
});
