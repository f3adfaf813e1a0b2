// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about ${VAR} references
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';
import { applyOverrides, envOverrides, envVarForPath } from './env-overrides.js';
import { interpolate, secretsInFile } from './interpolate.js';

describe('env overrides', () => {
  it('maps IOTP_<SECTION>__<KEY> to camelCase paths with YAML values, and back', () => {
    const overrides = envOverrides({
      IOTP_SINK__BATCH_SIZE: '1000',
      IOTP_ROUTES__1__TAGS__FLOOR: "'2'",
      IOTP_KAFKA__BROKERS: '[a:1, b:2]',
      IOTP_CONFIG: 'not an override',
      OTHER__X: '1',
    });
    expect(overrides.map((o) => [o.variable, o.path, o.value])).toEqual([
      ['IOTP_KAFKA__BROKERS', ['kafka', 'brokers'], ['a:1', 'b:2']],
      ['IOTP_ROUTES__1__TAGS__FLOOR', ['routes', 1, 'tags', 'floor'], '2'],
      ['IOTP_SINK__BATCH_SIZE', ['sink', 'batchSize'], 1000],
    ]);
    expect(envVarForPath(['sink', 'batchSize'])).toBe('IOTP_SINK__BATCH_SIZE');
    expect(envVarForPath(['kafka', 'topics', 'deviceStatus'])).toBe('IOTP_KAFKA__TOPICS__DEVICE_STATUS');
    expect(applyOverrides({ sink: { linger: '1s' } }, overrides)).toEqual({
      sink: { linger: '1s', batchSize: 1000 },
      kafka: { brokers: ['a:1', 'b:2'] },
      routes: [undefined, { tags: { floor: '2' } }],
    });
  });

  it('interpolates ${VAR} and ${VAR:-default}, typed when the whole value is one reference', () => {
    const { value, problems } = interpolate(
      { a: '${N:-4}', b: 'x-${S}-y', c: '${EMPTY:-}', d: ['${MISSING}'] },
      { S: 'mid', N: undefined },
    );
    expect(value).toEqual({ a: 4, b: 'x-mid-y', d: [undefined] });
    expect(problems).toEqual([{ path: ['d', 0], message: expect.stringContaining('MISSING is not set') }]);
  });

  it('finds literal secrets', () => {
    expect(
      secretsInFile({
        a: { token: '${T}', password: '${P:-}' },
        b: [{ password: 'hunter2' }],
        c: { token: '${T:-x}' },
        d: { s3: { accessKeyId: 'AKIA', secretAccessKey: 'wJalr' } },
      }).map((p) => p.path),
    ).toEqual([
      ['b', 0, 'password'],
      ['c', 'token'],
      ['d', 's3', 'secretAccessKey'],
    ]);
  });

  it('parses and formats durations', () => {
    expect(['500ms', '30s', '1m', '1.5h', '1d', 250].map((d) => parseDuration(d))).toEqual([
      500, 30_000, 60_000, 5_400_000, 86_400_000, 250,
    ]);
    expect(parseDuration('1m30s')).toBeUndefined();
    expect(parseDuration('-1s')).toBeUndefined();
    expect([60_000, 90_000, 1500, 3_600_000].map(formatDuration)).toEqual(['1m', '90s', '1500ms', '1h']);
  });
});
