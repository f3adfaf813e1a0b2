import { describe, expect, it } from 'vitest';
import { ALL, formatInterval, interpolate, referencedVariables, variableValues } from './interpolate.js';
import { influxVariable } from './model.js';

describe('interpolate', () => {
  const variables = [
    influxVariable('type', 'Type', 'SHOW MEASUREMENTS'),
    influxVariable('site', 'Site', 'SHOW TAG VALUES WITH KEY = "site"', { multi: true, includeAll: true }),
  ];
  const base = { fromMs: 1000, toMs: 61_000, intervalMs: 60_000, variables };

  it('substitutes the time filter and interval macros', () => {
    expect(
      interpolate('SELECT x FROM m WHERE $timeFilter GROUP BY time($__interval) LIMIT $__interval_ms', {
        ...base,
        values: {},
      }),
    ).toBe('SELECT x FROM m WHERE time >= 1000ms and time <= 61000ms GROUP BY time(1m) LIMIT 60000');
  });

  it('inserts single values as they are and multi values as an escaped alternation', () => {
    const q = `SELECT mean("v") FROM "\${type}_1m" WHERE "site" =~ /^$site$/ AND "t" = '$type'`;
    expect(interpolate(q, { ...base, values: { type: ['environment'], site: ['lyon', 'a.b/c'] } })).toBe(
      'SELECT mean("v") FROM "environment_1m" WHERE "site" =~ /^(lyon|a\\.b\\/c)$/ AND "t" = \'environment\'',
    );
    expect(interpolate(q, { ...base, values: { type: ['power'], site: ALL } })).toBe(
      'SELECT mean("v") FROM "power_1m" WHERE "site" =~ /^.*$/ AND "t" = \'power\'',
    );
  });

  it('leaves unknown variables alone', () => {
    expect(interpolate(`$nope \${other}`, { ...base, values: {} })).toBe(`$nope \${other}`);
  });

  it('formats intervals as Grafana does', () => {
    expect([500, 10_000, 60_000, 7_200_000, 86_400_000].map(formatInterval)).toEqual([
      '500ms',
      '10s',
      '1m',
      '2h',
      '1d',
    ]);
  });
});

describe('variableValues', () => {
  it('reads SHOW results and applies the regex capture', () => {
    const series = [
      { name: 'measurements', columns: ['name'], values: [['environment_1m'], ['power_1m'], ['environment']] },
    ];
    expect(variableValues(series, '/^(.*)_1m$/')).toEqual(['environment', 'power']);
    const tags = [
      {
        name: 'a',
        columns: ['key', 'value'],
        values: [
          ['site', 'lyon'],
          ['site', 'paris'],
        ],
      },
      { name: 'b', columns: ['key', 'value'], values: [['site', 'lyon']] },
    ];
    expect(variableValues(tags, '')).toEqual(['lyon', 'paris']);
    const fields = [
      {
        name: 'm',
        columns: ['fieldKey', 'fieldType'],
        values: [
          ['temperature_mean', 'float'],
          ['count', 'integer'],
        ],
      },
    ];
    expect(variableValues(fields, '/^(.*)_mean$/')).toEqual(['temperature']);
  });
});

describe('referencedVariables', () => {
  it('lists variables, not macros', () => {
    expect(
      referencedVariables(
        `SELECT "\${field}_mean" FROM "$type" WHERE $timeFilter AND x =~ /^$site$/ GROUP BY time($__interval)`,
      ),
    ).toEqual(['field', 'type', 'site']);
  });
});
