import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipelineConfig } from '../config/index.js';
import { ConfigError } from '../errors.js';
import { repoRoot } from '../runtime/stack-env.js';
import { kafkaClientConfig, registryClientFrom } from './index.js';

// biome-ignore lint/suspicious/noTemplateCurlyInString: the YAML references a secret
const SASL_PASSWORD = '${SASL_PASSWORD}';
const ROUTES =
  "routes: [{ type: environment, mqtt: 'sensors/{site}/{deviceId}/environment' }]\nsink: { influx: { api: v1, db: t } }";
const yaml = [
  'kafka:',
  '  brokers: [b1:9094, b2:9094]',
  '  backend: rdkafka',
  '  clientId: plant-7',
  '  ssl: { caFile: ca.pem, rejectUnauthorized: false }',
  `  sasl: { mechanism: scram-sha-512, username: alice, password: '${SASL_PASSWORD}' }`,
  'registry:',
  '  url: http://registry.example:8081',
  '  username: bob',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the YAML references a secret
  "  password: '${REGISTRY_PASSWORD}'",
  '  retries: 0',
  `  schemasDir: ${join(repoRoot, 'schemas')}`,
  ROUTES,
  '',
].join('\n');

function loadFromDir(text: string) {
  const dir = join(tmpdir(), `iotp-clients-${process.pid}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\n');
  return {
    dir,
    config: loadPipelineConfig({
      file: join(dir, 'pipeline.yaml'),
      text,
      env: { SASL_PASSWORD: 's3cret', REGISTRY_PASSWORD: 'r3g' },
    }),
  };
}

describe('clients from the pipeline config', () => {
  it('the Kafka client of every role carries the YAML backend, brokers, TLS and SASL; a relative CA resolves from the file', () => {
    const { dir, config } = loadFromDir(yaml);
    for (const role of [
      'mqtt-source-a',
      'sink-0',
      'iotp-streams-aggregate',
      'iotp-streams-detect',
      'setup',
      'lag',
      'dlq',
    ]) {
      expect(kafkaClientConfig(config, role)).toEqual({
        backend: 'rdkafka',
        brokers: ['b1:9094', 'b2:9094'],
        clientId: `plant-7-${role}`,
        ssl: { caFile: join(dir, 'ca.pem'), rejectUnauthorized: false },
        sasl: { mechanism: 'scram-sha-512', username: 'alice', password: 's3cret' },
      });
    }
  });

  it('names kafka.ssl.caFile when the CA file is missing', () => {
    const { config } = loadFromDir(yaml.replace('caFile: ca.pem', 'caFile: /nowhere/ca.pem'));
    expect(() => kafkaClientConfig(config, 'lag')).toThrow(ConfigError);
    expect(() => kafkaClientConfig(config, 'lag')).toThrow(/^kafka\.ssl\.caFile: expected a readable PEM file/);
  });

  it('the environment fills the YAML and nothing else: KAFKA_* variables the YAML does not reference change nothing', () => {
    const config = loadPipelineConfig({
      file: join(repoRoot, 'config', 'pipeline.yaml'),
      text: `kafka: { brokers: k:9092 }\nregistry: { schemasDir: ${join(repoRoot, 'schemas')} }\n${ROUTES}\n`,
      env: { KAFKA_SASL_BROKERS: 'x:1', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p', KAFKA_BACKEND: 'rdkafka' },
    });
    expect(kafkaClientConfig(config, 'lag')).toEqual({ backend: 'kafkajs', brokers: ['k:9092'], clientId: 'iotp-lag' });
  });

  it('the registry client sends the YAML basic auth', async () => {
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"schema":"\\"string\\""}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const { config } = loadFromDir(yaml);
      await registryClientFrom(config, `http://127.0.0.1:${port}`).schemaById(1);
      expect(seen).toEqual([`Basic ${Buffer.from('bob:r3g').toString('base64')}`]);
    } finally {
      server.close();
    }
  });
});
