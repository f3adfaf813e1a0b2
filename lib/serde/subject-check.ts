import type { Type } from 'avsc';
import { IotpError } from '../errors.js';
import type { ParsedSchema } from './avro-schema.js';
import { type CompatIssue, type CompatibilityLevel, checkCompatibility } from './compat.js';
import type { RegistryVerdict, SchemaRegistryClient } from './registry-client.js';

/** A subject and the local schema meant for it. */
export interface SubjectPlan {
  subject: string;
  schema: ParsedSchema & { file?: string };
}

/** Outcome for one subject: `new` (no version yet), `unchanged` (already registered), `compatible`, `incompatible`. */
export type SubjectVerdict = 'new' | 'unchanged' | 'compatible' | 'incompatible';

/**
 * The check of one local schema against its subject: the local checker's explanation and the
 * registry's own verdict (both must agree the change is compatible).
 *
 * @example
 *   { subject: 'telemetry.environment-value', verdict: 'incompatible', level: 'BACKWARD',
 *     latest: { version: 2, id: 7 }, issues: [{ field: 'humidity', reason: 'field "humidity" has no default ...' }] }
 */
export interface SubjectCheck {
  subject: string;
  file?: string;
  schemaName: string;
  /** First 8 hex digits of the schema's Avro fingerprint (sha256 of its canonical form). */
  fingerprint: string;
  level: CompatibilityLevel;
  latest?: { version: number; id: number };
  /** The id of an identical registered schema, if any. */
  registeredId?: number;
  verdict: SubjectVerdict;
  issues: CompatIssue[];
  registryVerdict?: RegistryVerdict;
  /** Versions the candidate was checked against (same order as `issues[].against`). */
  checkedVersions: number[];
}

export function fingerprintOf(type: Type): string {
  return type.fingerprint('sha256').toString('hex').slice(0, 8);
}

/**
 * Checks each local schema against the registry: identical already? else compatible with the
 * registered versions under the subject's level (our explaining checker AND the registry's
 * compatibility endpoint)? Registry failures throw (SERDE_REGISTRY_UNAVAILABLE is retriable).
 *
 * @example
 *   const checks = await checkSubjects(registry, pipelineSubjects(config));
 *   if (checks.some((c) => c.verdict === 'incompatible')) process.exitCode = 1;
 */
export async function checkSubjects(
  registry: SchemaRegistryClient,
  plans: readonly SubjectPlan[],
): Promise<SubjectCheck[]> {
  const out: SubjectCheck[] = [];
  for (const plan of plans) {
    const base = {
      subject: plan.subject,
      schemaName: plan.schema.name,
      fingerprint: fingerprintOf(plan.schema.type),
      ...(plan.schema.file ? { file: plan.schema.file } : {}),
    };
    const level = await registry.compatibilityLevel(plan.subject);
    const versions = await registry.versions(plan.subject);
    if (versions.length === 0) {
      out.push({ ...base, level, verdict: 'new', issues: [], checkedVersions: [] });
      continue;
    }
    const latestVersion = versions[versions.length - 1] as number;
    const latest = await registry.version(plan.subject, latestVersion);
    const registeredId = await registry.lookupId(plan.subject, plan.schema);
    const common = { ...base, level, latest: { version: latest.version, id: latest.id } };
    if (registeredId !== undefined) {
      out.push({ ...common, registeredId, verdict: 'unchanged', issues: [], checkedVersions: [] });
      continue;
    }
    const transitive = level.endsWith('_TRANSITIVE');
    const checkedVersions = transitive ? versions : [latestVersion];
    const previous: Type[] = [];
    for (const v of checkedVersions) {
      previous.push(v === latestVersion ? latest.schema.type : (await registry.version(plan.subject, v)).schema.type);
    }
    const local = checkCompatibility(level, plan.schema.type, previous);
    const registryVerdict = await registry.testCompatibility(plan.subject, plan.schema);
    const compatible = local.compatible && registryVerdict.compatible;
    out.push({
      ...common,
      verdict: compatible ? 'compatible' : 'incompatible',
      issues: local.issues,
      registryVerdict,
      checkedVersions,
    });
  }
  return out;
}

/** Outcome of registering one subject. */
export interface RegisterResult {
  subject: string;
  id: number;
  /** `unchanged`: the registry already had it (same id returned). */
  action: 'registered' | 'unchanged';
}

/**
 * Registers the schemas whose check is `new` or `compatible`; `unchanged` ones keep their id.
 * Refuses (SERDE_REGISTRY_REJECTED) when any check is incompatible: nothing is registered then.
 */
export async function registerChecked(
  registry: SchemaRegistryClient,
  plans: readonly SubjectPlan[],
  checks: readonly SubjectCheck[],
): Promise<RegisterResult[]> {
  const bad = checks.filter((c) => c.verdict === 'incompatible');
  if (bad.length > 0) {
    throw new IotpError(
      'SERDE_REGISTRY_REJECTED',
      `not registering: ${bad.map((c) => c.subject).join(', ')} ${bad.length === 1 ? 'is' : 'are'} incompatible`,
    );
  }
  const results: RegisterResult[] = [];
  for (const check of checks) {
    const plan = plans.find((p) => p.subject === check.subject);
    if (!plan) continue;
    if (check.verdict === 'unchanged' && check.registeredId !== undefined) {
      results.push({ subject: check.subject, id: check.registeredId, action: 'unchanged' });
      continue;
    }
    results.push({
      subject: check.subject,
      id: await registry.register(check.subject, plan.schema),
      action: 'registered',
    });
  }
  return results;
}
