import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../../lib/runtime/stack-env.js';

const run = promisify(execFile);
const script = (name: string) => join(repoRoot, 'scripts', 'stack', name);

/**
 * A stack of its own for a chaos run (it kills and restarts servers: never the shared one): its
 * folder in IOTP_STACK_DIR and every IOTP_*_PORT of scripts/stack/lib.sh at its default plus
 * `offset`. The port variables are read from lib.sh, so a port added there moves too.
 *
 * @example
 *   const env = privateStackEnv('/tmp/chaos-stack', 10_000); // IOTP_KAFKA_PORT=29092, ...
 */
export function privateStackEnv(dir: string, offset: number): Record<string, string> {
  const env: Record<string, string> = { IOTP_STACK_DIR: dir };
  for (const [key, port] of Object.entries(stackPortDefaults())) env[key] = String(port + offset);
  return env;
}

/** Every `X=${IOTP_..._PORT:-N}` of scripts/stack/lib.sh: the variable and its default. */
export function stackPortDefaults(libSh = readFileSync(script('lib.sh'), 'utf8')): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of libSh.matchAll(/^\w+=\$\{(IOTP_\w+_PORT):-(\d+)\}/gm)) out[m[1]!] = Number(m[2]);
  if (Object.keys(out).length === 0) throw new Error('no IOTP_*_PORT variables found in scripts/stack/lib.sh');
  return out;
}

/** The ports of `env` something already listens on (127.0.0.1). */
export async function portsInUse(env: Record<string, string>): Promise<string[]> {
  const busy: string[] = [];
  for (const [key, value] of Object.entries(env))
    if (key.endsWith('_PORT') && !(await portFree(Number(value)))) busy.push(`${key}=${value}`);
  return busy;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** scripts/stack/up.sh (with `--clean`: fresh data) for the stack `env` names; its log on failure. */
export async function privateStackUp(env: Record<string, string>, clean: boolean): Promise<void> {
  const full = { ...process.env, ...env };
  if (clean) await run('bash', [script('down.sh')], { cwd: repoRoot, env: full });
  try {
    await run('bash', [script('up.sh'), ...(clean ? ['--clean'] : [])], {
      cwd: repoRoot,
      env: full,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`scripts/stack/up.sh failed: ${e.stderr?.slice(-3000) ?? e.message}`, { cause: error });
  }
}

/** scripts/stack/down.sh for the stack `env` names (nothing when its folder does not exist). */
export async function privateStackDown(env: Record<string, string>): Promise<void> {
  if (!env.IOTP_STACK_DIR || !existsSync(env.IOTP_STACK_DIR)) return;
  await run('bash', [script('down.sh')], { cwd: repoRoot, env: { ...process.env, ...env } });
}
