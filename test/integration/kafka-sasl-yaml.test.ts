// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the YAML written here uses ${VAR} references
/**
 * Every worker and command on the stack's SASL_SSL listener from the pipeline YAML alone (issue
 * 14): the YAML names the SASL_SSL brokers, the CA, the SCRAM user and (as `${VAR}` references) the
 * passwords; the registry sits behind a proxy that answers only with the YAML's basic auth. The
 * children get no --sasl flag, no KAFKA_* or SCHEMA_REGISTRY_URL settings (no .stack/env either),
 * and KAFKA_BROKERS points at a dead port: a worker that took its client from the environment
 * would fail. setup and schemas register, the MQTT source writes, both topologies consume (their
 * groups commit), the sink writes readings and window results to InfluxDB, lag reads the groups.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDatabase, waitUntil } from '../../connectors/influxdb-sink/test-support/sink-fixture.js';
import { connectPublisher } from '../../connectors/mqtt-source/test-support/publish.js';
import { registryAuthFromEnv } from '../../lib/clients/index.js';
import { loadPipelineConfig, pipelineSubjects } from '../../lib/config/index.js';
import type { LagRow } from '../../lib/kafka/group-lag-snapshot.js';
import { repoRoot } from '../../lib/runtime/stack-env.js';
import { createSchemaRegistryClient } from '../../lib/serde/index.js';
import { type ChildWorker, spawnIotp } from '../helpers/child-process.js';
import { kafkaClientFromEnv } from '../helpers/kafka.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';

const run = promisify(execFile);
const env = stackEnv();
const REGISTRY_USER = 'iotp-yaml';
const REGISTRY_PASSWORD = 'registry-secret';

/** A registry that requires basic auth: forwards authorized requests to the stack's Apicurio. */
async function authRegistryProxy(): Promise<{ url: string; refused: () => number; close: () => Promise<void> }> {
  const target = new URL(env.SCHEMA_REGISTRY_URL as string);
  const expected = `Basic ${Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64')}`;
  // the stack's registry takes writes only with its own credentials: forwarded with those
  const upstream = `Basic ${Buffer.from(`${env.SCHEMA_REGISTRY_USERNAME}:${env.SCHEMA_REGISTRY_PASSWORD}`).toString('base64')}`;
  let refused = 0;
  const server: Server = createServer((req, res) => {
    if (req.headers.authorization !== expected) {
      refused += 1;
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error_code":401,"message":"unauthorized"}');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      fetch(`${target.origin}${req.url}`, {
        method: req.method,
        headers: {
          'content-type': req.headers['content-type'] ?? 'application/json',
          accept: 'application/json',
          authorization: upstream,
        },
        ...(body && req.method !== 'GET' ? { body } : {}),
      }).then(
        async (answer) => {
          const text = Buffer.from(await answer.arrayBuffer());
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
          res.end(text);
        },
        () => res.writeHead(502).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    refused: () => refused,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('the pipeline YAML reaches every worker client (SASL_SSL, registry auth)', () => {
  it(
    'runs setup, source, aggregate, detect, sink, lag and schemas on the SASL_SSL listener from the YAML alone',
    {
      timeout: 420_000,
    },
    async ({ onTestFinished }) => {
      expect(env.KAFKA_SASL_BROKERS, 'the stack has a SASL_SSL listener').toBeTruthy();
      const prefix = uniqueName('saslyaml');
      const proxy = await authRegistryProxy();
      onTestFinished(() => proxy.close());
      const db = await tempDatabase(env, 'iotp_saslyaml');
      onTestFinished(() => db.drop());
      const dir = mkdtempSync(join(tmpdir(), 'iotp-sasl-yaml-'));
      onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
      const file = join(dir, 'pipeline.yaml');
      writeFileSync(
        file,
        [
          'version: 1',
          'kafka:',
          `  brokers: ${env.KAFKA_SASL_BROKERS}`,
          `  backend: ${process.env.KAFKA_BACKEND ?? 'kafkajs'}`,
          `  clientId: ${prefix}`,
          `  ssl: { caFile: ${env.KAFKA_SSL_CA} }`,
          `  sasl: { mechanism: ${env.KAFKA_SASL_MECHANISM ?? 'scram-sha-256'}, username: ${env.KAFKA_SASL_USERNAME}, password: '\${YAML_KAFKA_PASSWORD}' }`,
          `  topics: { dlq: ${prefix}.dlq, anomalies: ${prefix}.anomalies, deviceStatus: ${prefix}.device-status, partitions: 2 }`,
          'registry:',
          `  url: ${proxy.url}`,
          `  username: ${REGISTRY_USER}`,
          "  password: '${YAML_REGISTRY_PASSWORD}'",
          `  schemasDir: ${join(repoRoot, 'schemas')}`,
          'routes:',
          `  - { type: environment, mqtt: '${prefix}/{site}/{deviceId}/environment', topic: '${prefix}.{type}' }`,
          'streams:',
          `  applicationId: ${prefix}`,
          `  lateTopic: ${prefix}.late`,
          '  windows: [{ size: 2s, grace: 0s }]',
          '  idleTimeout: 2s',
          '  commitInterval: 200ms',
          'sink:',
          `  influx: { url: ${env.INFLUX_URL}, api: v1, db: ${db.database}, username: ${env.INFLUX_USERNAME}, password: '\${YAML_INFLUX_PASSWORD}' }`,
          `  groupId: ${prefix}-sink`,
          `  topicPrefix: '${prefix}.'`,
          '  linger: 100ms',
          'mqtt:',
          `  url: ${env.MQTT_URL}`,
          `  shareGroup: ${prefix}`,
          '',
        ].join('\n'),
      );
      const emptyStackDir = mkdtempSync(join(tmpdir(), 'iotp-no-stack-env-'));
      onTestFinished(() => rmSync(emptyStackDir, { recursive: true, force: true }));
      // What the children see: the three secrets the YAML references, and a trap.
      const childEnv = {
        IOTP_STACK_DIR: emptyStackDir,
        KAFKA_BROKERS: '127.0.0.1:9',
        YAML_KAFKA_PASSWORD: env.KAFKA_SASL_PASSWORD as string,
        YAML_REGISTRY_PASSWORD: REGISTRY_PASSWORD,
        YAML_INFLUX_PASSWORD: env.INFLUX_PASSWORD as string,
      };
      const iotp = (args: string[]) =>
        run(join(repoRoot, 'bin', 'iotp'), args, { cwd: repoRoot, env: { PATH: process.env.PATH, ...childEnv } });

      const plain = kafkaClientFromEnv(env, `${prefix}-check`);
      const config = loadPipelineConfig({ file, env: childEnv });
      onTestFinished(async () => {
        const admin = plain.admin();
        await admin.connect();
        const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
        if (mine.length > 0) await admin.deleteTopics(mine);
        await admin.disconnect();
        const registry = createSchemaRegistryClient({
          url: env.SCHEMA_REGISTRY_URL as string,
          ...registryAuthFromEnv(env),
        });
        for (const s of pipelineSubjects(config))
          await registry.deleteSubject(s.subject, { permanent: true }).catch(() => undefined);
      });

      const setup = await iotp(['setup', '--config', file]);
      expect(setup.stdout).toContain(`${prefix}.environment`);
      expect(setup.stdout).toContain(`schema: ${prefix}.environment-value id`);
      const schemas = await iotp(['schemas', 'check', '--config', file]);
      expect(schemas.stdout).toContain(`${prefix}.environment-value`);

      const workers: ChildWorker[] = [];
      onTestFinished(async () => {
        for (const w of workers) await w.kill9();
      });
      const start = async (args: string[]) => {
        const w = await spawnIotp([...args, '--config', file], { cleanEnv: true, env: childEnv, logLevel: 'info' });
        workers.push(w);
        return w;
      };
      const source = await start(['connect', 'mqtt-source', '--replica', 'yaml']);
      const aggregate = await start(['streams', 'run', 'aggregate']);
      const detect = await start(['streams', 'run', 'detect']);
      const sink = await start(['sink', 'influxdb', '--replica-id', `${prefix}-sink-0`]);
      await source.waitForLog('mqtt source running', 90_000);
      for (const w of [aggregate, detect, sink]) expect(await w.waitReady(120_000), w.output().slice(-3000)).toBe(true);

      const publisher = await connectPublisher(env.MQTT_URL as string);
      onTestFinished(() => publisher.endAsync());
      const t0 = Date.now();
      for (let i = 0; i < 12; i++) {
        const ts = t0 + i * 500;
        for (const d of ['d1', 'd2'])
          await publisher.publishAsync(
            `${prefix}/s1/${d}/environment`,
            JSON.stringify({ ts: new Date(ts).toISOString(), temperature: 20 + i, humidity: 40 }),
            { qos: 1 },
          );
        await new Promise((r) => setTimeout(r, 500));
      }

      const count = async (measurement: string) =>
        (await db.q.rows(`SELECT * FROM "${measurement}"`).catch(() => [])).length;
      let counts = [0, 0];
      await waitUntil(
        () =>
          `24 readings and some 2s windows in InfluxDB (got ${counts.join(', ')}):\n${sink.output().slice(-2000)}\n${aggregate.output().slice(-2000)}`,
        async () => {
          counts = [await count('environment'), await count('environment_2s')];
          return counts[0] === 24 && (counts[1] ?? 0) > 0;
        },
        120_000,
      );

      const lag = await iotp(['lag', '--config', file, '--json']);
      const groups = new Set((JSON.parse(lag.stdout) as LagRow[]).map((r) => r.group));
      for (const group of [`${prefix}-aggregate`, `${prefix}-detect`, `${prefix}-sink`])
        expect(groups).toContain(group);
      expect(proxy.refused()).toBe(0);
      for (const w of workers) expect(w.alive, w.output().slice(-2000)).toBe(true);
      for (const w of workers) expect(await w.stop()).toBe(0);
    },
  );
});
