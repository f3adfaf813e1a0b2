import { relative } from 'node:path';
import { repoRoot } from '../runtime/stack-env.js';
import type { SubjectCheck } from './subject-check.js';

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function shortFile(file: string | undefined): string {
  if (!file) return '-';
  const rel = relative(repoRoot, file);
  return rel.startsWith('..') ? file : rel;
}

/**
 * The `iotp schemas check` report: a table subject / local / registered / level / verdict, then
 * one line per problem naming the field and the reason.
 *
 * @example
 *   subject                       local                                 registered  level     verdict
 *   telemetry.environment-value   schemas/environment.avsc (3f2a9c1d)   v1 id 4     BACKWARD  INCOMPATIBLE
 *     telemetry.environment-value: field "co2" (EnvironmentReading.co2): field "co2" has no default ... [new reads v1]
 */
export function formatCheckReport(checks: readonly SubjectCheck[]): string {
  const rows = [['subject', 'local', 'registered', 'level', 'verdict']];
  for (const c of checks) {
    rows.push([
      c.subject,
      `${shortFile(c.file)} (${c.fingerprint})`,
      c.latest ? `v${c.latest.version} id ${c.latest.id}` : '-',
      c.level,
      c.verdict === 'incompatible' ? 'INCOMPATIBLE' : c.verdict,
    ]);
  }
  const lines = [table(rows)];
  for (const c of checks) {
    if (c.verdict !== 'incompatible') continue;
    for (const issue of c.issues) {
      const version = c.checkedVersions[issue.against];
      const how = issue.direction === 'backward' ? `new reads v${version}` : `v${version} reads new`;
      lines.push(`  ${c.subject}: field "${issue.field || '(record)'}" (${issue.path}): ${issue.reason} [${how}]`);
    }
    const rv = c.registryVerdict;
    if (rv && !rv.compatible) {
      lines.push(
        `  ${c.subject}: the registry says incompatible${rv.messages.length ? `: ${rv.messages.join('; ')}` : ' (it gives no reason)'}`,
      );
      if (c.issues.length === 0)
        lines.push(`  ${c.subject}: the local checker found no problem: the registry's rule is stricter`);
    } else if (rv?.compatible && c.issues.length > 0) {
      lines.push(`  ${c.subject}: the registry would accept it; the local checker does not (${c.level})`);
    }
  }
  return lines.join('\n');
}
