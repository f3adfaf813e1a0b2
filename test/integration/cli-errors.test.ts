/**
 * A command that cannot reach a server says which server, at which address, and what to try, in
 * one line (issue 14): no client retry noise, no stack trace.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../lib/runtime/stack-env.js';

const run = promisify(execFile);

async function iotp(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { LOG_LEVEL: _level, LOG_FORMAT: _format, ...inherited } = process.env;
    const { stdout, stderr } = await run(`${repoRoot}/bin/iotp`, args, {
      cwd: repoRoot,
      env: { ...inherited, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('a server that does not answer', () => {
  it(
    'iotp lag against a stopped broker: one line naming Kafka, the address and make stack-up',
    { timeout: 90_000 },
    async () => {
      const out = await iotp(['lag'], { IOTP_KAFKA__BROKERS: '127.0.0.1:1' });
      expect(out.code).toBe(1);
      expect(out.stdout).toBe('');
      expect(out.stderr.trimEnd().split('\n')).toEqual([
        expect.stringMatching(
          /^iotp: cannot reach Kafka at 127\.0\.0\.1:1 \(kafka\.brokers in .*pipeline\.yaml\): connect ECONNREFUSED 127\.0\.0\.1:1\. .*`make stack-up`/,
        ),
      ]);
    },
  );

  it(
    'iotp schemas check against a stopped registry: one line naming the registry and its URL',
    { timeout: 90_000 },
    async () => {
      const url = 'http://127.0.0.1:1/apis/ccompat/v7';
      const out = await iotp(['schemas', 'check'], { IOTP_REGISTRY__URL: url, IOTP_REGISTRY__RETRIES: '0' });
      expect(out.code).toBe(1);
      expect(out.stderr.trimEnd().split('\n')).toEqual([
        expect.stringMatching(
          /^iotp: cannot reach the schema registry at http:\/\/127\.0\.0\.1:1\/apis\/ccompat\/v7 \(registry\.url in .*\): .*`make stack-up`/,
        ),
      ]);
    },
  );
});
