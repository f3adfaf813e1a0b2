import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../runtime/stack-env.js';
import { generateIndex, generateTypeScript } from './codegen.js';
import { listSchemaFiles, loadSchemaFile } from './schema-file.js';

/**
 * The generated files a schemas directory should have (`<dir>/generated/<name>.ts` per .avsc, and
 * `index.ts`), by file name. Throws SCHEMA_INVALID on an invalid .avsc.
 */
export function expectedGeneratedFiles(dir: string): Map<string, string> {
  const schemas = listSchemaFiles(dir).map((file) => loadSchemaFile(file));
  const wanted = new Map<string, string>();
  for (const s of schemas) {
    const label = relative(repoRoot, s.file).startsWith('..') ? s.file : relative(repoRoot, s.file);
    wanted.set(`${s.baseName}.ts`, generateTypeScript(s, label));
  }
  wanted.set('index.ts', generateIndex(schemas.map((s) => s.baseName)));
  return wanted;
}

function existingGenerated(target: string): string[] {
  return existsSync(target) ? readdirSync(target).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')) : [];
}

/**
 * Generated files that are missing, differ from what the .avsc files give, or have no .avsc any more.
 *
 * @example staleGeneratedFiles('schemas') // [] when `iotp schemas codegen` has been run
 */
export function staleGeneratedFiles(dir: string): string[] {
  const target = join(dir, 'generated');
  const wanted = expectedGeneratedFiles(dir);
  const changed = [...wanted]
    .filter(([f, text]) => !existsSync(join(target, f)) || readFileSync(join(target, f), 'utf8') !== text)
    .map(([f]) => f);
  return [...changed, ...existingGenerated(target).filter((f) => !wanted.has(f))];
}

/** Writes `<dir>/generated/*.ts` (removing files of deleted schemas); returns the file names. */
export function writeGeneratedFiles(dir: string): string[] {
  const target = join(dir, 'generated');
  const wanted = expectedGeneratedFiles(dir);
  mkdirSync(target, { recursive: true });
  for (const f of existingGenerated(target)) if (!wanted.has(f)) rmSync(join(target, f));
  for (const [f, text] of wanted) writeFileSync(join(target, f), text);
  return [...wanted.keys()];
}
