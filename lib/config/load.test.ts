import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { repoRoot } from '../runtime/stack-env.js';
import { DEFAULT_CONFIG_FILE, loadPipelineConfig } from './load.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A temp dir with the repo's schemas and a config file of the given text. */
function tempConfig(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'iotp-config-'));
  dirs.push(dir);
  cpSync(join(repoRoot, 'schemas'), join(dir, 'schemas'), {
    recursive: true,
    filter: (src) => !src.includes('generated'),
  });
  writeFileSync(join(dir, 'pipeline.yaml'), text);
  return join(dir, 'pipeline.yaml');
}

const MINIMAL = `
routes:
  - type: environment
    mqtt: sensors/{site}/{deviceId}/environment
sink:
  influx: { bucket: telemetry/autogen }
`;

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, the config loaded');
}

describe('loadPipelineConfig', () => {
  it('loads the committed config/pipeline.yaml with its defaults and both reading types', () => {
    const config = loadPipelineConfig({ file: DEFAULT_CONFIG_FILE, env: {} });
    expect(config.kafka.topics.dlq).toBe('telemetry.dlq');
    expect(config.kafka.topics.partitions).toBe(4);
    expect(config.readingRoutes.map((r) => [r.type, r.topic, r.subject, r.mqttFilter])).toEqual([
      ['environment', 'telemetry.environment', 'telemetry.environment-value', 'sensors/+/+/environment'],
      ['power', 'telemetry.power', 'telemetry.power-value', 'sensors/+/+/power'],
    ]);
    expect(config.streams.windows.map((w) => [w.size, w.grace])).toEqual([
      [60_000, 10_000],
      [3_600_000, 120_000],
    ]);
    expect(config.sink.influx.url).toBe('http://127.0.0.1:8086');
    expect(config.sink.influx.token).toBeUndefined();
    expect(config.outputSchemas.anomaly.name).toBe('iotp.telemetry.Anomaly');
  });

  // biome-ignore lint/suspicious/noTemplateCurlyInString: documents the ${VAR} syntax
  it('fills ${VAR} references and applies IOTP_<SECTION>__<KEY> overrides', () => {
    const config = loadPipelineConfig({
      file: DEFAULT_CONFIG_FILE,
      env: {
        KAFKA_BROKERS: 'k1:9092, k2:9092',
        INFLUX_TOKEN: 'user:pw',
        IOTP_SINK__BATCH_SIZE: '1000',
        IOTP_KAFKA__TOPICS__PARTITIONS: '8',
        IOTP_STREAMS__WINDOWS__0__GRACE: '20s',
        IOTP_DETECTORS__SPIKE_DIP__ENABLED: 'false',
      },
    });
    expect(config.kafka.brokers).toEqual(['k1:9092', 'k2:9092']);
    expect(config.sink.influx.token).toBe('user:pw');
    expect(config.sink.batchSize).toBe(1000);
    expect(config.kafka.topics.partitions).toBe(8);
    expect(config.streams.windows[0]?.grace).toBe(20_000);
    expect(config.detectors.spikeDip.enabled).toBe(false);
    expect(config.source.overrides).toContain('IOTP_SINK__BATCH_SIZE');
  });

  it('names the key, the env variable and the expected value when an override is wrong', () => {
    const error = configError(() =>
      loadPipelineConfig({ file: DEFAULT_CONFIG_FILE, env: { IOTP_SINK__BATCH_SIZE: '-5' } }),
    );
    expect(error.key).toBe('sink.batchSize');
    expect(error.message).toContain('from IOTP_SINK__BATCH_SIZE');
    expect(error.message).toMatch(/expected number to be >=1; got -5/);
  });

  it('names the key, the file line and the allowed keys for an unknown key', () => {
    const file = tempConfig(`${MINIMAL}\n  batchsize: 10\n`);
    const error = configError(() => loadPipelineConfig({ file, env: {} }));
    expect(error.key).toBe('sink.batchsize');
    expect(error.message).toMatch(/pipeline\.yaml:\d+/);
    expect(error.message).toContain('did you mean batchSize?');
  });

  it('rejects grace longer than the window retention', () => {
    const file = tempConfig(`${MINIMAL}
streams:
  windows: [{ size: 1m, grace: 5m, retention: 2m }]
`);
    const error = configError(() => loadPipelineConfig({ file, env: {} }));
    expect(error.key).toBe('streams.windows[0].retention');
    expect(error.message).toContain('expected at least size + grace = 6m');
  });

  it('rejects a hop longer than the window', () => {
    const file = tempConfig(`${MINIMAL}\nstreams:\n  windows: [{ size: 1m, hop: 2m }]\n`);
    expect(configError(() => loadPipelineConfig({ file, env: {} })).key).toBe('streams.windows[0].hop');
  });

  it('rejects a literal secret in the file and accepts it from the environment', () => {
    const file = tempConfig(`${MINIMAL.replace('{ bucket: telemetry/autogen }', '{ bucket: b, token: s3cret }')}`);
    const error = configError(() => loadPipelineConfig({ file, env: {} }));
    expect(error.key).toBe('sink.influx.token');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: documents the ${VAR} syntax
    expect(error.message).toContain('${TOKEN}');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: documents the ${VAR} syntax
    const ok = tempConfig(MINIMAL.replace('{ bucket: telemetry/autogen }', '{ bucket: b, token: "${T}" }'));
    expect(loadPipelineConfig({ file: ok, env: { T: 's3cret' } }).sink.influx.token).toBe('s3cret');
  });

  it('names the variable a reference needs when it is unset', () => {
    const file = tempConfig(`${MINIMAL}\nmqtt:\n  url: \${MQTT_URL}\n`);
    const error = configError(() => loadPipelineConfig({ file, env: {} }));
    expect(error.key).toBe('mqtt.url');
    expect(error.message).toContain('MQTT_URL is not set');
  });

  it('rejects bad combinations across sections', () => {
    const v1 = tempConfig(`${MINIMAL.replace('{ bucket: telemetry/autogen }', '{ api: v1 }')}`);
    expect(configError(() => loadPipelineConfig({ file: v1, env: {} })).key).toBe('sink.influx.db');
    const clash = tempConfig(`${MINIMAL}\nkafka:\n  topics: { dlq: telemetry.environment }\n`);
    const error = configError(() => loadPipelineConfig({ file: clash, env: {} }));
    expect(error.key).toBe('routes[0].topic');
    expect(error.message).toContain('kafka.topics.dlq');
  });

  it('checks route templates, types and schemas', () => {
    const noDevice = tempConfig(MINIMAL.replace('{site}/{deviceId}', '{site}/+'));
    expect(configError(() => loadPipelineConfig({ file: noDevice, env: {} })).key).toBe('routes[0].mqtt');
    const both = tempConfig(MINIMAL.replace('- type: environment', '- type: environment\n    types: [power]'));
    expect(configError(() => loadPipelineConfig({ file: both, env: {} })).key).toBe('routes[0].type');
    const noSchema = tempConfig(MINIMAL.replace('type: environment', 'type: humidity'));
    const missing = configError(() => loadPipelineConfig({ file: noSchema, env: {} }));
    expect(missing.key).toBe('routes[0].schema');
    expect(missing.message).toContain('humidity.avsc');
    const notReading = tempConfig(`${MINIMAL.replace('type: environment', 'type: window-result')}`);
    const contract = configError(() => loadPipelineConfig({ file: notReading, env: {} }));
    expect(contract.key).toBe('routes[0].schema');
    expect(contract.message).toContain('field "ts" must be');
    const dup = tempConfig(
      `${MINIMAL}  - type: power\n    mqtt: sensors/{site}/{deviceId}/environment\n`.replace(
        'sink:\n  influx: { bucket: telemetry/autogen }\n',
        '',
      ),
    );
    expect(configError(() => loadPipelineConfig({ file: dup, env: { IOTP_SINK__INFLUX__BUCKET: 'b' } })).key).toBe(
      'routes[1].mqtt',
    );
  });

  it('expands a {type} route over its types', () => {
    const file = tempConfig(`
routes:
  - types: [environment, power]
    mqtt: site/{site}/{deviceId}/{type}
    tags: { source: gateway }
sink: { influx: { bucket: b } }
`);
    const config = loadPipelineConfig({ file, env: {} });
    expect(config.readingRoutes.map((r) => [r.type, r.mqttFilter, r.topic, r.tags.source])).toEqual([
      ['environment', 'site/+/+/environment', 'telemetry.environment', 'gateway'],
      ['power', 'site/+/+/power', 'telemetry.power', 'gateway'],
    ]);
  });

  it('reports YAML syntax errors with the file line', () => {
    const file = tempConfig('routes:\n  - type: environment\n   mqtt: [unclosed\n');
    expect(configError(() => loadPipelineConfig({ file, env: {} })).key).toMatch(/pipeline\.yaml:\d+$/);
  });

  it('names IOTP_CONFIG when the file is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iotp-config-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'x'));
    expect(configError(() => loadPipelineConfig({ env: { IOTP_CONFIG: join(dir, 'x', 'nope.yaml') } })).key).toBe(
      'IOTP_CONFIG',
    );
  });
});
