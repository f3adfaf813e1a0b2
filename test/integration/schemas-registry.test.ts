/**
 * The schema workflow against the real registry (Apicurio's Confluent-compatible API): register,
 * evolve compatibly (accepted), incompatible changes (rejected, with the field named by our
 * checker and refused by the registry), idempotent registration, and `iotp schemas check|register`
 * end to end. Every subject is unique to the test and deleted after it.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { registryAuthFromEnv } from '../../lib/clients/index.js';
import { IotpError } from '../../lib/errors.js';
import { repoRoot } from '../../lib/runtime/stack-env.js';
import { type AvroSchemaJson, parseAvroSchema } from '../../lib/serde/avro-schema.js';
import { createSchemaRegistryClient } from '../../lib/serde/registry-client.js';
import { loadSchemaFile } from '../../lib/serde/schema-file.js';
import { checkSubjects, registerChecked } from '../../lib/serde/subject-check.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';

const env = stackEnv();
const registry = createSchemaRegistryClient({ url: env.SCHEMA_REGISTRY_URL as string, ...registryAuthFromEnv(env) });
const environment = loadSchemaFile(join(repoRoot, 'schemas', 'environment.avsc'));
type Field = { name: string; type: unknown; default?: unknown; doc?: string; aliases?: string[] };
const baseFields = (environment.json as { fields: Field[] }).fields;

function variant(fields: Field[]) {
  return parseAvroSchema({ ...(environment.json as object), fields } as AvroSchemaJson);
}

function newSubject(prefix: string): string {
  const subject = `${uniqueName(prefix)}-value`;
  onTestFinished(() => registry.deleteSubject(subject, { permanent: true }).then(() => undefined));
  return subject;
}

async function rejected(p: Promise<unknown>): Promise<IotpError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof IotpError) return error;
    throw error;
  }
  throw new Error('the registry accepted it');
}

describe('registry workflow', () => {
  it('registers idempotently: the same schema gets the same id and no new version', async () => {
    const subject = newSubject('itest-schemas-idem');
    const id = await registry.register(subject, environment);
    expect(await registry.register(subject, environment)).toBe(id);
    expect(await registry.versions(subject)).toEqual([1]);
    expect(await registry.lookupId(subject, environment)).toBe(id);
    expect((await registry.latest(subject))?.schema.type.equals(environment.type)).toBe(true);
    expect(await registry.compatibilityLevel(subject)).toBe('BACKWARD');
  });

  it('accepts an optional field with a default (BACKWARD): checker, registry verdict and registration agree', async () => {
    const subject = newSubject('itest-schemas-evolve');
    await registry.register(subject, environment);
    const v2 = variant([...baseFields, { name: 'co2', type: ['null', 'double'], default: null }]);
    const [check] = await checkSubjects(registry, [{ subject, schema: v2 }]);
    expect(check).toMatchObject({ verdict: 'compatible', level: 'BACKWARD', issues: [] });
    expect(check?.registryVerdict?.compatible).toBe(true);
    const results = await registerChecked(registry, [{ subject, schema: v2 }], check ? [check] : []);
    expect(results[0]?.action).toBe('registered');
    expect(await registry.versions(subject)).toEqual([1, 2]);
    // Checking again: unchanged, same id.
    const [again] = await checkSubjects(registry, [{ subject, schema: v2 }]);
    expect(again).toMatchObject({ verdict: 'unchanged', registeredId: results[0]?.id });
  });

  const incompatible: {
    name: string;
    level: 'BACKWARD' | 'FULL';
    fields: () => Field[];
    field: string;
    reason: RegExp;
  }[] = [
    {
      name: 'a type change (temperature double -> string)',
      level: 'BACKWARD',
      fields: () => baseFields.map((f) => (f.name === 'temperature' ? { ...f, type: ['null', 'string'] } : f)),
      field: 'temperature',
      reason: /the writer's double matches no branch of the reader's union \[null, string\]/,
    },
    {
      name: 'a rename without alias (humidity -> relHumidity)',
      level: 'BACKWARD',
      fields: () =>
        baseFields.map((f) => (f.name === 'humidity' ? { name: 'relHumidity', type: ['null', 'double'] } : f)),
      field: 'relHumidity',
      reason: /has no default .* add "aliases": \["humidity"\]/,
    },
    {
      name: 'a new field without default',
      level: 'BACKWARD',
      fields: () => [...baseFields, { name: 'co2', type: 'double' }],
      field: 'co2',
      reason: /field "co2" has no default/,
    },
    {
      // Removing a field is BACKWARD-compatible (new readers ignore it); it breaks FORWARD/FULL.
      name: 'the removal of a field without default (FULL)',
      level: 'FULL',
      fields: () => baseFields.filter((f) => f.name !== 'deviceId'),
      field: 'deviceId',
      reason: /field "deviceId" has no default/,
    },
  ];

  for (const c of incompatible) {
    it(`rejects ${c.name}, naming the field`, async () => {
      const subject = newSubject('itest-schemas-incompat');
      await registry.register(subject, environment);
      if (c.level !== 'BACKWARD') await registry.setCompatibilityLevel(subject, c.level);
      const candidate = variant(c.fields());
      const [check] = await checkSubjects(registry, [{ subject, schema: candidate }]);
      expect(check?.level).toBe(c.level);
      expect(check?.verdict).toBe('incompatible');
      expect(check?.registryVerdict?.compatible).toBe(false);
      expect(check?.issues.map((i) => i.field)).toContain(c.field);
      expect(check?.issues.find((i) => i.field === c.field)?.reason).toMatch(c.reason);
      // The registry refuses it too, and nothing is registered.
      const error = await rejected(registry.register(subject, candidate));
      expect(error.code).toBe('SERDE_REGISTRY_REJECTED');
      expect(error.context.status).toBe(409);
      expect(
        await rejected(registerChecked(registry, [{ subject, schema: candidate }], check ? [check] : [])),
      ).toMatchObject({
        code: 'SERDE_REGISTRY_REJECTED',
      });
      expect(await registry.versions(subject)).toEqual([1]);
    });
  }
});

describe('iotp schemas check / register (CLI, real registry)', () => {
  /** A temp copy of the schemas and a config whose topics are unique to this test. */
  function workspace() {
    const dir = mkdtempSync(join(tmpdir(), 'iotp-schemas-cli-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    cpSync(join(repoRoot, 'schemas'), join(dir, 'schemas'), {
      recursive: true,
      filter: (s) => !s.includes('generated'),
    });
    const prefix = uniqueName('itest-cli');
    writeFileSync(
      join(dir, 'pipeline.yaml'),
      `registry: { url: '\${SCHEMA_REGISTRY_URL}', username: '\${SCHEMA_REGISTRY_USERNAME}', password: '\${SCHEMA_REGISTRY_PASSWORD}', schemasDir: schemas }
kafka: { topics: { anomalies: ${prefix}.anomalies, deviceStatus: ${prefix}.device-status, dlq: ${prefix}.dlq } }
routes:
  - { type: environment, mqtt: 'sensors/{site}/{deviceId}/environment', topic: '${prefix}.environment' }
streams: { windows: [{ size: 1m }], lateTopic: ${prefix}.late }
sink: { influx: { bucket: b } }
commands: { topic: ${prefix}.commands }
devices: { topic: ${prefix}.devices }
`,
    );
    const subjects = [
      `${prefix}.environment-value`,
      `${prefix}.environment.agg.1m-value`,
      `${prefix}.anomalies-value`,
      `${prefix}.device-status-value`,
      `${prefix}.commands-value`,
      `${prefix}.devices-value`,
    ];
    onTestFinished(async () => {
      for (const s of subjects) await registry.deleteSubject(s, { permanent: true });
    });
    const iotp = (...args: string[]) => {
      const r = spawnSync(join(repoRoot, 'bin', 'iotp'), [...args, '--config', join(dir, 'pipeline.yaml')], {
        encoding: 'utf8',
        env: { ...process.env, SCHEMA_REGISTRY_URL: env.SCHEMA_REGISTRY_URL },
      });
      return { code: r.status, out: r.stdout, err: r.stderr };
    };
    return { dir, subjects, iotp };
  }

  it('check (new) -> register -> register again (same ids) -> incompatible edit fails naming the field', async () => {
    const { dir, subjects, iotp } = workspace();
    const first = iotp('schemas', 'check');
    expect(first.code, first.err).toBe(0);
    for (const s of subjects) expect(first.out).toMatch(new RegExp(`${s.replace(/\./g, '\\.')}\\s.*\\snew`));

    const registered = iotp('schemas', 'register');
    expect(registered.code, registered.err).toBe(0);
    const ids = (text: string) =>
      [...text.matchAll(/^(?:registered|unchanged)\s+(\S+) id (\d+)$/gm)].map((m) => `${m[1]}=${m[2]}`).sort();
    expect(ids(registered.out)).toHaveLength(6);
    const again = iotp('schemas', 'register');
    expect(again.code, again.err).toBe(0);
    expect(ids(again.out)).toEqual(ids(registered.out));
    expect(again.out).not.toMatch(/^registered/m);

    const file = join(dir, 'schemas', 'environment.avsc');
    const json = JSON.parse(readFileSync(file, 'utf8')) as { fields: Field[] };
    json.fields = json.fields.map((f) => (f.name === 'pressure' ? { ...f, type: ['null', 'string'] } : f));
    writeFileSync(file, JSON.stringify(json, null, 2));
    const bad = iotp('schemas', 'check');
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/INCOMPATIBLE/);
    expect(bad.out).toContain('field "pressure"');
    expect(bad.out).toContain('the registry says incompatible');
    const refused = iotp('schemas', 'register');
    expect(refused.code).toBe(1);
    expect((await registry.versions(subjects[0] as string)).length).toBe(1);
  });

  it('an invalid .avsc makes check exit non-zero naming the file, the line and the problem', () => {
    const { dir, iotp } = workspace();
    writeFileSync(
      join(dir, 'schemas', 'broken.avsc'),
      '{\n  "type": "record",\n  "name": "Broken",\n  "fields": [\n    { "name": "a", "type": "nope" }\n  ]\n}\n',
    );
    const result = iotp('schemas', 'check');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/broken\.avsc:5: invalid Avro schema: undefined type name: nope/);
  });
});
