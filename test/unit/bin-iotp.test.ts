import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../lib/runtime/stack-env.js';

/** A miniature clone: bin/iotp, a build that says "dist", sources that say "source". */
const root = mkdtempSync(join(tmpdir(), 'iotp-bin-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const file = (path: string, text: string, mtimeS?: number) => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
  if (mtimeS !== undefined) utimesSync(join(root, path), mtimeS, mtimeS);
};
mkdirSync(join(root, 'bin'));
copyFileSync(join(repoRoot, 'bin', 'iotp'), join(root, 'bin', 'iotp'));
// The stand-in for tsx's loader answers for the sources (node would not run .ts without it).
file('node_modules/tsx/dist/loader.mjs', "console.log('source'); process.exit(0);");
file('cli/main.ts', '', 1_000);
file('lib/x.ts', '', 1_000);
file('dist/cli/main.js', "console.log('dist')");
file('dist/.build-stamp', '', 2_000);
const iotp = (env: Record<string, string> = {}) =>
  execFileSync(join(root, 'bin', 'iotp'), { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } }).trim();

describe('bin/iotp', () => {
  it('runs the build when it is newer than every TypeScript source, the sources otherwise', () => {
    expect(iotp()).toBe('dist');
    expect(iotp({ IOTP_FROM_SOURCE: '1' })).toBe('source');
    file('lib/x.ts', '', 3_000); // edited after the build
    expect(iotp()).toBe('source');
    rmSync(join(root, 'cli'), { recursive: true }); // the image: no sources at all
    rmSync(join(root, 'lib'), { recursive: true });
    expect(iotp()).toBe('dist');
    rmSync(join(root, 'dist', '.build-stamp')); // not built: the sources
    expect(iotp()).toBe('source');
  });
});
