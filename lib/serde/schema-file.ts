import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { IotpError } from '../errors.js';
import { repoRoot } from '../runtime/stack-env.js';
import { type ParsedSchema, parseAvroSchema } from './avro-schema.js';
import { SerdeErrorCode } from './error-codes.js';

/** A schema loaded from a .avsc file. */
export interface LocalSchema extends ParsedSchema {
  /** Absolute path of the file. */
  file: string;
  /** File name without `.avsc`, e.g. `environment`: also the generated module's name. */
  baseName: string;
  /** The file's text as written (for locating problems by line). */
  source: string;
}

/** 1-based line of a character offset. */
function lineOf(text: string, offset: number): number {
  return text.slice(0, Math.max(0, offset)).split('\n').length;
}

/**
 * Best-effort line of the JSON token an error message points at: JSON.parse's `position N` or
 * `line N`, else the first line containing a quoted word of the message (avsc names the bad
 * type, field or default).
 */
export function locateError(source: string, message: string): number | undefined {
  const line = /\bline (\d+)/.exec(message);
  if (line?.[1]) return Number(line[1]);
  const position = /\bposition (\d+)/.exec(message);
  if (position?.[1]) return lineOf(source, Number(position[1]));
  const candidates = [...message.matchAll(/"([^"]{1,80})"|: ([A-Za-z_][\w.]*)\s*$/g)]
    .map((m) => m[1] ?? m[2])
    .filter((c): c is string => c !== undefined && c.length > 0);
  for (const word of candidates) {
    const at = source.indexOf(`"${word}"`);
    if (at >= 0) return lineOf(source, at);
  }
  return undefined;
}

function where(file: string, line: number | undefined): string {
  const shown = relative(repoRoot, file).startsWith('..') ? file : relative(repoRoot, file);
  return line === undefined ? shown : `${shown}:${line}`;
}

/**
 * Reads and parses one .avsc file. Errors are SCHEMA_INVALID and name the file, the line when it
 * can be found, and the problem: `schemas/x.avsc:12: invalid Avro schema: undefined type name: nope`.
 *
 * @example
 *   const env = loadSchemaFile('schemas/environment.avsc');
 */
export function loadSchemaFile(file: string): LocalSchema {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new IotpError(SerdeErrorCode.SchemaInvalid, `${where(file, undefined)}: cannot read: ${String(cause)}`, {
      cause,
      context: { file },
    });
  }
  try {
    const parsed = parseAvroSchema(source.trim() === '' ? '{}' : source);
    return { ...parsed, file, baseName: basename(file, '.avsc'), source };
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    const line = locateError(source, message);
    throw new IotpError(SerdeErrorCode.SchemaInvalid, `${where(file, line)}: ${message}`, {
      cause,
      context: { file, line },
    });
  }
}

/** Every `*.avsc` file of a directory (sorted by name), not parsed. */
export function listSchemaFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.avsc'))
    .sort()
    .map((name) => join(dir, name));
}
