import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { repoRoot } from '../../lib/runtime/stack-env.js';
import { STACK_SERVERS, type StackServer } from './plan.js';

const run = promisify(execFile);
const script = (name: string) => join(repoRoot, 'scripts', 'stack', name);

/**
 * One server of the local stack, by the stack scripts: a signal through its pid file
 * (scripts/stack/signal.sh) and a start through scripts/stack/up.sh, which starts whatever is not
 * running and returns once it is healthy. The stack is the one IOTP_STACK_DIR and the IOTP_*_PORT
 * variables of this process name (scripts/stack/lib.sh).
 */
export async function signalServer(server: StackServer, signal: string): Promise<void> {
  await run('bash', [script('signal.sh'), server, signal], { cwd: repoRoot });
}

/** One up.sh at a time: two at once could both start the same server. */
let upQueue: Promise<unknown> = Promise.resolve();

/**
 * Starts what is not running (up.sh waits for each server's health check; one more try after a
 * failure); returns the seconds it took, waiting for another start included.
 */
export async function startStack(): Promise<number> {
  const t0 = Date.now();
  const once = () => run('bash', [script('up.sh')], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
  const mine = upQueue.then(async () => {
    try {
      await once().catch(async () => {
        await sleep(2000);
        return once();
      });
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      throw new Error(`scripts/stack/up.sh failed: ${e.stderr?.slice(-3000) ?? e.message}`, { cause: error });
    }
  });
  upQueue = mine.catch(() => undefined);
  await mine;
  return (Date.now() - t0) / 1000;
}

/** Each server: running and healthy (scripts/stack/status.sh); the status text. */
export async function stackStatus(): Promise<{ healthy: boolean; text: string }> {
  try {
    const { stdout } = await run('bash', [script('status.sh')], { cwd: repoRoot });
    return { healthy: true, text: stdout };
  } catch (error) {
    return { healthy: false, text: (error as { stdout?: string }).stdout ?? String(error) };
  }
}

/** Puts the stack back: resumes a paused server, starts what is down, checks every server is healthy. */
export async function restoreStack(): Promise<{ healthy: boolean; text: string }> {
  for (const server of STACK_SERVERS) await signalServer(server, 'CONT').catch(() => undefined);
  await startStack();
  return stackStatus();
}

/** A setting of the stack's generated mosquitto.conf (e.g. autosave_interval), or undefined. */
export function mosquittoSetting(stackDir: string, key: string): string | undefined {
  const conf = readFileSync(join(stackDir, 'mosquitto', 'mosquitto.conf'), 'utf8');
  return new RegExp(`^${key}\\s+(\\S+)`, 'm').exec(conf)?.[1];
}

/** The stack directory (IOTP_STACK_DIR or <repo>/.stack). */
export function stackDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.IOTP_STACK_DIR ?? join(repoRoot, '.stack');
}
