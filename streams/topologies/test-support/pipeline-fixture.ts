import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaClientFrom, registryClientFrom } from '../../../lib/clients/index.js';
import { type LoadedPipelineConfig, loadPipelineConfig, pipelineSubjects } from '../../../lib/config/index.js';
import { createPipelineTopics, registerPipelineSchemas } from '../../../lib/pipeline/index.js';
import { silentLogger } from '../../../lib/runtime/log.js';
import { repoRoot } from '../../../lib/runtime/stack-env.js';
import { deleteTopicsWithPrefix } from '../../../test/helpers/kafka.js';

/** A private pipeline for one integration test: its own topics, subjects, application id. */
export interface TestPipeline {
  /** The YAML file (for `iotp streams run --config`). */
  file: string;
  config: LoadedPipelineConfig;
  prefix: string;
  /** Deletes the topics (prefix match, changelogs included) and subjects; removes the file. */
  cleanup(): Promise<void>;
}

export interface TestPipelineOptions {
  /** `streams:` YAML lines (indented by 2), e.g. windows. */
  streams?: string;
  /** `detectors:` YAML lines (indented by 2). */
  detectors?: string;
  partitions?: number;
}

/**
 * Writes a pipeline YAML whose every topic starts with `prefix` (routes environment and power,
 * the repository's schemas), creates its topics and registers its subjects the way `iotp setup`
 * does, and returns the loaded config. Integration tests of the topologies run on it instead of
 * the shared telemetry.* topics.
 *
 * @example
 *   const p = await testPipeline(env, uniqueName('agg'), { streams: '  windows: [{ size: 10s, grace: 3s }]' });
 *   onTestFinished(() => p.cleanup());
 */
export async function testPipeline(
  env: Record<string, string>,
  prefix: string,
  options: TestPipelineOptions = {},
): Promise<TestPipeline> {
  const dir = mkdtempSync(join(tmpdir(), 'iotp-topology-'));
  const file = join(dir, 'pipeline.yaml');
  const text = [
    'version: 1',
    'kafka:',
    `  brokers: ${env.KAFKA_BROKERS}`,
    '  topics:',
    `    dlq: ${prefix}.dlq`,
    `    anomalies: ${prefix}.anomalies`,
    `    deviceStatus: ${prefix}.device-status`,
    `    partitions: ${options.partitions ?? 3}`,
    'registry:',
    `  url: ${env.SCHEMA_REGISTRY_URL}`,
    `  username: '${env.SCHEMA_REGISTRY_USERNAME ?? ''}'`,
    `  password: '\${SCHEMA_REGISTRY_PASSWORD:-}'`,
    `  schemasDir: ${join(repoRoot, 'schemas')}`,
    'routes:',
    `  - { type: environment, mqtt: '${prefix}/{site}/{deviceId}/environment', topic: '${prefix}.{type}' }`,
    `  - { type: power, mqtt: '${prefix}/{site}/{deviceId}/power', topic: '${prefix}.{type}', tags: { source: meters } }`,
    'streams:',
    `  applicationId: ${prefix}`,
    `  lateTopic: ${prefix}.late`,
    options.streams ?? '',
    'detectors:',
    options.detectors ?? '  defaults: {}',
    'sink:',
    '  influx: { url: http://127.0.0.1:8086, api: v1, db: unused }',
    '',
  ].join('\n');
  writeFileSync(file, text);
  const config = loadPipelineConfig({ file, env });
  await createPipelineTopics(config);
  await registerPipelineSchemas(config);
  return {
    file,
    config,
    prefix,
    cleanup: async () => {
      rmSync(dir, { recursive: true, force: true });
      await deleteTopicsWithPrefix(kafkaClientFrom(config, `${prefix}-cleanup`, silentLogger()), prefix);
      const registry = registryClientFrom(config);
      for (const s of pipelineSubjects(config))
        await registry.deleteSubject(s.subject, { permanent: true }).catch(() => undefined);
    },
  };
}
