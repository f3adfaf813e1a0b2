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
    const settings = sinkSettingsFrom(loadPipelineConfig({ env }), { replicaId: 'r1' });
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
      lagIntervalMs: 5000,
      shutdownFlushMs: 10_000,
      sessionTimeoutMs: 30_000,
    });
  });

  it('v1 with basic auth, overrides from IOTP_SINK__*, the replica port from the caller', () => {
    const over = {
      ...env,
      IOTP_SINK__INFLUX__API: 'v1',
      IOTP_SINK__BATCH_SIZE: '200',
      IOTP_SINK__TOPICS: '[a.b, c.d]',
      IOTP_SINK__MAX_BUFFERED_POINTS: '1000',
      IOTP_SINK__LAG_INTERVAL: '500ms',
      IOTP_SINK__SESSION_TIMEOUT: '10s',
    };
    const settings = sinkSettingsFrom(loadPipelineConfig({ env: over }), { metricsPort: 0 });
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
    expect(settings.lagIntervalMs).toBe(500);
    expect(settings.sessionTimeoutMs).toBe(10_000);
  });

  it('reads the deprecated SINK_* variables as overrides of their sink: keys (the IOTP_ name wins)', () => {
    const old = { ...env, SINK_MAX_BUFFERED_POINTS: '1000', SINK_LAG_INTERVAL_MS: '300', SINK_SHUTDOWN_FLUSH_MS: '0' };
    const config = loadPipelineConfig({ env: { ...old, IOTP_SINK__LAG_INTERVAL: '2s' } });
    const settings = sinkSettingsFrom(config);
    expect(settings.buffer.maxBufferedPoints).toBe(1000);
    expect(settings.lagIntervalMs).toBe(2000);
    expect(settings.shutdownFlushMs).toBe(0);
    expect(config.source.overrides).toContain('SINK_MAX_BUFFERED_POINTS (deprecated: IOTP_SINK__MAX_BUFFERED_POINTS)');
  });

  it('names the key when a setting is missing or wrong', () => {
    const noToken = { ...env, INFLUX_TOKEN: '' };
    const error = (() => {
      try {
        sinkSettingsFrom(loadPipelineConfig({ env: noToken }));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).key).toBe('sink.influx.token');
    expect(() => loadPipelineConfig({ env: { ...env, SINK_SESSION_TIMEOUT_MS: '1000' } })).toThrow(
      /sink\.sessionTimeout: \(from SINK_SESSION_TIMEOUT_MS \(deprecated: IOTP_SINK__SESSION_TIMEOUT\)\) expected at least 6s/,
    );
    expect(() => loadPipelineConfig({ env: { ...env, IOTP_SINK__LAG_INTERVAL: 'soon' } })).toThrow(
      /sink\.lagInterval: .*expected a duration/,
    );
    const dlq = { ...env, IOTP_SINK__TOPICS: '[telemetry.dlq]' };
    expect(() => sinkSettingsFrom(loadPipelineConfig({ env: dlq }))).toThrow(
      /sink.topics: expected topics other than the dead-letter topic/,
    );
  });
});
