import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository (or image) root: the nearest folder above this module with a package.json. This
 * file runs as lib/runtime/stack-env.ts (tsx) or as dist/lib/runtime/stack-env.js (the build), and
 * config/, schemas/ and .stack/ are found from the root either way.
 */
export const repoRoot = findRoot(dirname(fileURLToPath(import.meta.url)));

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return resolve(start, '..', '..');
  }
}

/** Parses KEY=VALUE lines; `#` comments and blank lines are ignored. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}

/**
 * The local stack's settings (`.stack/env`, written by `make stack-up`), overridden by the process
 * environment. The stack dir may be moved with IOTP_STACK_DIR.
 */
export function loadStackEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const file = join(env.IOTP_STACK_DIR ?? join(repoRoot, '.stack'), 'env');
  const fromFile = existsSync(file) ? parseEnvFile(readFileSync(file, 'utf8')) : {};
  const merged: Record<string, string> = { ...fromFile };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) merged[k] = v;
  return merged;
}

export function stackEnvFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.IOTP_STACK_DIR ?? join(repoRoot, '.stack'), 'env');
}
