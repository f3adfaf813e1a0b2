import { describe, expect, it } from 'vitest';
import { loadPipelineConfig } from '../../lib/config/index.js';
import { ConfigError } from '../../lib/errors.js';
import { sinkSettingsFrom } from './sink-settings.js';

const env = {
  INFLUX_URL: 'http://influx:8086',
  INFLUX_TOKEN: 'iotp:secret',
  INFLUX_USERNAME: 'iotp',
  INFLUX_PASSWORD: 'secret',
  KAFKA_BROKERS: 'k:9092',
};

describe('sinkSettingsFrom', () => {
  it('reads the pipeline config: every reading, window, anomaly and status topic; v2 by default', () => {
    const settings = sinkSettingsFrom(loadPipelineConfig({ env }), { ...env, SINK_REPLICA_ID: 'r1' });
    expect(settings.topics).toEqual([
      'telemetry.environment',
      'telemetry.power',
      'telemetry.environment.agg.1m',
      'telemetry.environment.agg.1h',
      'telemetry.power.agg.1m',
      'telemetry.power.agg.1h',
      'telemetry.anomalies',
      'telemetry.device-status',
    ]);
    expect(settings).toMatchObject({
      replicaId: 'r1',
      groupId: 'iotp-influxdb-sink',
      dlqTopic: 'telemetry.dlq',
      writer: {
        api: 'v2',
        v2: { url: 'http://influx:8086', org: '-', bucket: 'telemetry/autogen', token: 'iotp:secret' },
      },
      buffer: { maxBatchPoints: 5000, lingerMs: 1000, maxBufferedPoints: 50_000 },
      retry: { initialDelayMs: 200, maxDelayMs: 30_000 },
      maxRetries: 10,
      metricsPort: 9400,
    });
  });

  it('v1 with basic auth, overrides from IOTP_SINK__* and the environment', () => {
    const over = {
      ...env,
      IOTP_SINK__INFLUX__API: 'v1',
      IOTP_SINK__BATCH_SIZE: '200',
      IOTP_SINK__TOPICS: '[a.b, c.d]',
      METRICS_PORT: '0',
      SINK_MAX_BUFFERED_POINTS: '1000',
    };
    const settings = sinkSettingsFrom(loadPipelineConfig({ env: over }), over);
    expect(settings.writer).toEqual({
      api: 'v1',
      v1: {
        url: 'http://influx:8086',
        database: 'telemetry',
        retentionPolicy: undefined,
        username: 'iotp',
        password: 'secret',
      },
    });
    expect(settings.topics).toEqual(['a.b', 'c.d']);
    expect(settings.buffer).toEqual({ maxBatchPoints: 200, lingerMs: 1000, maxBufferedPoints: 1000 });
    expect(settings.metricsPort).toBe(0);
  });

  it('names the key when a setting is missing or wrong', () => {
    const noToken = { ...env, INFLUX_TOKEN: '' };
    const error = (() => {
      try {
        sinkSettingsFrom(loadPipelineConfig({ env: noToken }), noToken);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).key).toBe('sink.influx.token');
    const badPort = { ...env, METRICS_PORT: 'nine' };
    expect(() => sinkSettingsFrom(loadPipelineConfig({ env: badPort }), badPort)).toThrow(
      /METRICS_PORT: expected an integer/,
    );
    const dlq = { ...env, IOTP_SINK__TOPICS: '[telemetry.dlq]' };
    expect(() => sinkSettingsFrom(loadPipelineConfig({ env: dlq }), dlq)).toThrow(
      /sink.topics: expected topics other than the dead-letter topic/,
    );
  });
});
