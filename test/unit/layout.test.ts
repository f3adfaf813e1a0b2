import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../lib/runtime/stack-env.js';

/** The TypeScript files of the clone (tracked and new), relative to the root. */
function sources(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .filter((f) => f !== '' && !f.startsWith('node_modules/'))
    .filter((f) => {
      try {
        readFileSync(join(repoRoot, f));
        return true;
      } catch {
        return false; // deleted in the working tree
      }
    });
}

const isTestCode = (f: string) =>
  f.startsWith('test/') ||
  f.startsWith('bench/') ||
  f.endsWith('.test.ts') ||
  f.includes('/test-support/') ||
  f.includes('/test-utils/');

/** Modules another engineer owns that still build a client from the environment (issue 14: to switch). */
const KNOWN_ENV_CLIENTS = new Set(['demo/run-demo.ts']);

describe('layout (issue 14)', () => {
  it('no module imports from cli/: the CLI wires what the library offers', () => {
    const offenders = sources()
      .filter((f) => !f.startsWith('cli/'))
      .filter((f) => /from '(\.\.\/)+cli\//.test(readFileSync(join(repoRoot, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('workers and commands build their Kafka and registry clients only through lib/clients (from the YAML)', () => {
    const offenders = sources()
      .filter((f) => !isTestCode(f) && !KNOWN_ENV_CLIENTS.has(f))
      .filter((f) => !f.startsWith('lib/kafka/') && !f.startsWith('lib/clients/') && !f.startsWith('lib/serde/'))
      .filter((f) =>
        /kafkaConfigFromEnv\(|createSchemaRegistryClient\(|createKafkaClient\(/.test(
          readFileSync(join(repoRoot, f), 'utf8'),
        ),
      );
    expect(offenders).toEqual([]);
  });
});
