/**
 * deploy/k8s: every manifest parses, has the fields its kind needs, and agrees with the pipeline
 * config and docker-compose.yml: worker args, probes on the metrics port, consumer groups and topics
 * of the KEDA triggers, replicas capped at the partition count, activation thresholds above the lag
 * that exactly-once commit markers leave (docs/SCALING.md).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { sinkSettingsFrom } from '../../connectors/influxdb-sink/sink-settings.js';
import { archiveSettingsFrom } from '../../connectors/parquet-sink/archive-settings.js';
import { type LoadedPipelineConfig, loadPipelineConfig } from '../../lib/config/index.js';
import { repoRoot } from '../../lib/runtime/stack-env.js';

// biome-ignore lint/suspicious/noExplicitAny: manifests are untyped YAML; each test checks the shape it reads
type Doc = Record<string, any>;

const dir = join(repoRoot, 'deploy', 'k8s');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
const docsByFile = new Map<string, Doc[]>(
  files.map((f) => {
    const parsed = YAML.parseAllDocuments(readFileSync(join(dir, f), 'utf8'));
    for (const d of parsed) if (d.errors.length > 0) throw new Error(`${f}: ${d.errors[0]?.message}`);
    return [f, parsed.map((d) => d.toJS() as Doc).filter((d) => d !== null)];
  }),
);
const all = [...docsByFile.values()].flat();
const ofKind = (kind: string) => all.filter((d) => d.kind === kind);
const named = (kind: string, name: string) => {
  const doc = ofKind(kind).find((d) => d.metadata?.name === name);
  if (!doc) throw new Error(`no ${kind} named ${name} in deploy/k8s`);
  return doc;
};

const API_VERSIONS: Record<string, string> = {
  Namespace: 'v1',
  ConfigMap: 'v1',
  Secret: 'v1',
  Service: 'v1',
  PersistentVolumeClaim: 'v1',
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  Job: 'batch/v1',
  ScaledObject: 'keda.sh/v1alpha1',
  Kustomization: 'kustomize.config.k8s.io/v1beta1',
};

const envData = named('ConfigMap', 'iotp-env').data as Record<string, string>;
const secretTemplate = named('Secret', 'iotp-secrets');
const pipelineText = named('ConfigMap', 'iotp-pipeline').data['pipeline.yaml'] as string;
/** What a worker container sees: the iotp-env ConfigMap and the Secret's keys (placeholder values). */
const containerEnv: Record<string, string> = { ...envData, ...secretTemplate.stringData };
const config: LoadedPipelineConfig = loadPipelineConfig({
  text: pipelineText,
  file: join(repoRoot, 'config', 'pipeline.yaml'),
  env: containerEnv,
});
const partitions = config.kafka.topics.partitions;
const compose = YAML.parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8')) as Doc;
/** The worker's default shutdown budget (lib/runtime/worker.ts, shutdownTimeoutMs). */
const WORKER_SHUTDOWN_S = 30;

const workloads = [...ofKind('Deployment'), ...ofKind('StatefulSet')];
const podLabels = (w: Doc) => w.spec.template.metadata.labels as Record<string, string>;
const container = (w: Doc) => w.spec.template.spec.containers[0] as Doc;

/** Consumer group and input topics of each worker that consumes Kafka, from the pipeline config. */
function consumerOf(workload: Doc): { group: string; topics: string[] } | undefined {
  const args = container(workload).args as string[];
  if (args[0] === 'streams')
    return { group: `${config.streams.applicationId}-${args[2]}`, topics: config.readingRoutes.map((r) => r.topic) };
  if (args[0] === 'sink' && args[1] === 'parquet') {
    const settings = archiveSettingsFrom(config, { replicaId: 'archive-sink-0' });
    return { group: settings.groupId, topics: settings.topics };
  }
  if (args[0] === 'sink') {
    const settings = sinkSettingsFrom(config, { replicaId: containerEnv.SINK_REPLICA_ID });
    return { group: settings.groupId, topics: settings.topics };
  }
  return undefined;
}

describe('deploy/k8s manifests', () => {
  it('parse, with a known kind, its apiVersion, a name, and the iotp namespace', () => {
    expect(files.length).toBeGreaterThanOrEqual(9);
    for (const doc of all) {
      expect(Object.keys(API_VERSIONS)).toContain(doc.kind);
      expect(doc.apiVersion).toBe(API_VERSIONS[doc.kind]);
      if (doc.kind === 'Kustomization') continue;
      expect(doc.metadata?.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      if (doc.kind !== 'Namespace') expect(doc.metadata.namespace).toBe('iotp');
    }
    expect(named('Namespace', 'iotp')).toBeDefined();
  });

  it('kustomization lists every manifest except the Secret template', () => {
    const k = ofKind('Kustomization')[0] as Doc;
    expect(k.namespace).toBe('iotp');
    expect([...k.resources].sort()).toEqual(
      files.filter((f) => f !== 'kustomization.yaml' && f !== 'secret.template.yaml').sort(),
    );
  });

  it('commit no secret: the Secret template holds placeholders only', () => {
    expect(secretTemplate.data).toBeUndefined();
    const values = Object.values(secretTemplate.stringData as Record<string, string>);
    expect(values.length).toBeGreaterThan(0);
    for (const v of values) expect(v).toMatch(/^<[a-z0-9-]+>$/);
  });

  it('carry the pipeline config: valid for the real loader, the same as config/pipeline.yaml but the partition count', () => {
    expect(config.readingRoutes.length).toBeGreaterThan(0);
    const strip = (text: string) => {
      const tree = YAML.parse(text) as Doc;
      delete tree.kafka.topics.partitions;
      return tree;
    };
    expect(strip(pipelineText)).toEqual(strip(readFileSync(join(repoRoot, 'config', 'pipeline.yaml'), 'utf8')));
    // Every ${VAR} of the YAML is provided in the cluster (a default would point at 127.0.0.1).
    const strings = (node: unknown): string[] =>
      typeof node === 'string'
        ? [node]
        : node !== null && typeof node === 'object'
          ? Object.values(node).flatMap(strings)
          : [];
    const refs = strings(YAML.parse(pipelineText)).flatMap((v) =>
      [...v.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] as string),
    );
    expect(refs.length).toBeGreaterThan(5);
    for (const name of refs) expect(Object.keys(containerEnv)).toContain(name);
  });

  it('run every compose worker with the same args, image, config mount, probes on the metrics port and resources', () => {
    const workers = ['mqtt-source', 'streams-aggregate', 'streams-detect', 'influxdb-sink', 'archive-sink'];
    expect(workloads.map((w) => w.metadata.name).sort()).toEqual([...workers].sort());
    for (const w of workloads) {
      const name = w.metadata.name as string;
      const c = container(w);
      expect(c.image).toBe(compose.services[name].image ?? compose['x-worker'].image);
      expect(c.image).toBe('iotp/worker:0.1.0');
      expect(c.args).toEqual(compose.services[name].command);
      expect(w.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': name });
      expect(podLabels(w)).toMatchObject(w.spec.selector.matchLabels);

      const port = (c.ports as Doc[]).find((p) => p.name === 'metrics');
      expect(port?.containerPort).toBe(9400);
      expect(Number(envData.METRICS_PORT)).toBe(port?.containerPort);
      for (const [probe, path] of [
        ['livenessProbe', '/healthz'],
        ['readinessProbe', '/readyz'],
      ] as const) {
        expect(c[probe].httpGet.path).toBe(path);
        expect([9400, 'metrics']).toContain(c[probe].httpGet.port);
      }
      for (const kind of ['requests', 'limits']) {
        expect(c.resources[kind].memory).toMatch(/^\d+(Mi|Gi)$/);
      }
      expect(c.resources.requests.cpu).toBeDefined();
      expect(w.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(WORKER_SHUTDOWN_S);

      expect(c.envFrom).toEqual([{ configMapRef: { name: 'iotp-env' } }, { secretRef: { name: 'iotp-secrets' } }]);
      const mount = (c.volumeMounts as Doc[]).find((m) => m.name === 'pipeline');
      expect(mount?.mountPath).toBe(envData.IOTP_CONFIG);
      const volume = (w.spec.template.spec.volumes as Doc[]).find((v) => v.name === 'pipeline');
      expect(volume?.configMap?.name).toBe('iotp-pipeline');
    }
  });

  it('give every worker a Service on its metrics port that selects its pods', () => {
    for (const w of workloads) {
      const service = named('Service', w.metadata.name);
      expect(podLabels(w)).toMatchObject(service.spec.selector);
      expect(service.spec.ports).toContainEqual(expect.objectContaining({ port: 9400, targetPort: 'metrics' }));
    }
    expect(named('StatefulSet', 'mqtt-source').spec.serviceName).toBe('mqtt-source');
  });

  it('scale each consumer group with one KEDA ScaledObject on the lag of exactly its input topics', () => {
    // The archive writes to one ReadWriteOnce volume: one replica, never scaled (docs/ARCHIVE.md).
    const consumers = workloads.filter((w) => consumerOf(w) !== undefined && w.metadata.name !== 'archive-sink');
    expect(consumers.map((w) => w.metadata.name).sort()).toEqual([
      'influxdb-sink',
      'streams-aggregate',
      'streams-detect',
    ]);
    expect(ofKind('ScaledObject')).toHaveLength(consumers.length);
    for (const w of consumers) {
      const expected = consumerOf(w) as { group: string; topics: string[] };
      const scaled = ofKind('ScaledObject').filter((s) => s.spec.scaleTargetRef.name === w.metadata.name);
      expect(scaled).toHaveLength(1);
      const so = scaled[0] as Doc;
      expect(so.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: w.kind, name: w.metadata.name });
      expect(so.spec.maxReplicaCount).toBeLessThanOrEqual(partitions);
      expect(so.spec.minReplicaCount).toBeGreaterThanOrEqual(0);
      expect(so.spec.minReplicaCount).toBeLessThanOrEqual(so.spec.maxReplicaCount);

      const triggers = so.spec.triggers as Doc[];
      expect(triggers.map((t) => t.metadata.topic).sort()).toEqual([...expected.topics].sort());
      for (const t of triggers) {
        const m = t.metadata as Record<string, unknown>;
        expect(t.type).toBe('kafka');
        for (const v of Object.values(m)) expect(typeof v).toBe('string'); // KEDA metadata is map[string]string
        expect(m.consumerGroup).toBe(expected.group);
        expect(m.bootstrapServers).toBe(envData.KAFKA_BROKERS);
        expect(m.allowIdleConsumers).toBe('false');
        expect(m.limitToPartitionsWithLag).toBe('false');
        const lag = Number(m.lagThreshold);
        const activation = Number(m.activationLagThreshold);
        expect(Number.isInteger(lag) && Number.isInteger(activation)).toBe(true);
        // A committed transaction leaves its marker: lag 1 per partition that nothing can consume.
        expect(activation).toBeGreaterThanOrEqual(partitions);
        expect(lag).toBeGreaterThan(activation);
      }
    }
    const archive = named('Deployment', 'archive-sink');
    expect(archive.spec.replicas).toBe(1);
    expect(archive.spec.strategy.type).toBe('Recreate');
    expect(consumerOf(archive)?.group).toBe(config.archive.groupId);
    const claim = archive.spec.template.spec.volumes.find((v: Doc) => v.persistentVolumeClaim)?.persistentVolumeClaim;
    expect(named('PersistentVolumeClaim', claim?.claimName).spec.accessModes).toEqual(['ReadWriteOnce']);
    // The missing-heartbeat detector runs on wall-clock time: never scaled to zero.
    expect(named('ScaledObject', 'streams-detect').spec.minReplicaCount).toBeGreaterThanOrEqual(1);
  });
});
