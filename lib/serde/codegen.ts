import type { AvroSchemaJson } from './avro-schema.js';
import type { LocalSchema } from './schema-file.js';

type Json = { [key: string]: unknown };

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const short = (name: string) => name.split('.').pop() ?? name;
const PRIMITIVE_TS: Record<string, string> = {
  null: 'null',
  boolean: 'boolean',
  int: 'number',
  long: 'number',
  float: 'number',
  double: 'number',
  bytes: 'Buffer',
  string: 'string',
};
/** JS kinds of values (avsc wraps a union with two branches of the same kind). */
const KIND: Record<string, string> = {
  null: 'null',
  boolean: 'boolean',
  int: 'number',
  long: 'number',
  float: 'number',
  double: 'number',
  bytes: 'buffer',
  fixed: 'buffer',
  string: 'string',
  enum: 'string',
  record: 'object',
  error: 'object',
  map: 'object',
  array: 'array',
};

function comment(doc: unknown, indent: string, extra?: string): string {
  const parts = [typeof doc === 'string' ? doc : undefined, extra].filter((p): p is string => !!p);
  if (parts.length === 0) return '';
  return `${indent}/** ${parts.join(' ').replace(/\*\//g, '*\\/')} */\n`;
}

function pascal(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join('');
}

interface Context {
  namespace: string | undefined;
  /** Full name -> TS type name of named types seen so far. */
  named: Map<string, string>;
  /** Full name -> Avro kind of named types. */
  kinds: Map<string, string>;
  /** Declarations, in order of first appearance. */
  decls: string[];
}

function fullName(name: string, namespace: string | undefined): string {
  return name.includes('.') || !namespace ? name : `${namespace}.${name}`;
}

function kindOf(schema: unknown, ctx: Context): string {
  if (typeof schema === 'string') {
    return KIND[schema] ?? ctx.kinds.get(fullName(schema, ctx.namespace)) ?? ctx.kinds.get(schema) ?? 'object';
  }
  if (isObject(schema) && typeof schema.type === 'string') return KIND[schema.type] ?? kindOf(schema.type, ctx);
  return 'union';
}

function branchName(schema: unknown, ctx: Context): string {
  if (typeof schema === 'string') return PRIMITIVE_TS[schema] ? schema : fullName(schema, ctx.namespace);
  if (isObject(schema)) {
    if (typeof schema.name === 'string') {
      return fullName(schema.name, typeof schema.namespace === 'string' ? schema.namespace : ctx.namespace);
    }
    return String(schema.type);
  }
  return 'union';
}

function tsType(schema: unknown, ctx: Context): string {
  if (typeof schema === 'string') {
    if (PRIMITIVE_TS[schema]) return PRIMITIVE_TS[schema] as string;
    const ref = ctx.named.get(fullName(schema, ctx.namespace)) ?? ctx.named.get(schema);
    if (!ref) throw new TypeError(`codegen: unknown type name ${schema}`);
    return ref;
  }
  if (Array.isArray(schema)) {
    const kinds = schema.map((b) => kindOf(b, ctx));
    const wrapped = new Set(kinds).size !== kinds.length;
    return schema
      .map((b) => {
        const t = tsType(b, ctx);
        return wrapped && t !== 'null' ? `{ '${branchName(b, ctx)}': ${t} }` : t;
      })
      .join(' | ');
  }
  if (!isObject(schema)) throw new TypeError(`codegen: unsupported schema ${JSON.stringify(schema)}`);
  const type = schema.type;
  if (typeof type !== 'string') return tsType(type, ctx);
  if (PRIMITIVE_TS[type]) return PRIMITIVE_TS[type] as string;
  if (type === 'array') return `Array<${tsType(schema.items, ctx)}>`;
  if (type === 'map') return `Record<string, ${tsType(schema.values, ctx)}>`;
  const name = typeof schema.name === 'string' ? schema.name : '';
  const ns = name.includes('.')
    ? name.slice(0, name.lastIndexOf('.'))
    : typeof schema.namespace === 'string'
      ? schema.namespace
      : ctx.namespace;
  const full = fullName(short(name), ns);
  const tsName = pascal(short(name));
  ctx.named.set(full, tsName);
  ctx.kinds.set(full, KIND[type] ?? 'object');
  if (type === 'enum') {
    const symbols = Array.isArray(schema.symbols) ? schema.symbols.map(String) : [];
    ctx.decls.push(
      `${comment(schema.doc, '')}export type ${tsName} = ${symbols.map((s) => `'${s}'`).join(' | ')};\n\n` +
        `/** Every ${tsName} symbol, in schema order. */\nexport const ${tsName}Symbols = [${symbols.map((s) => `'${s}'`).join(', ')}] as const;\n`,
    );
    return tsName;
  }
  if (type === 'fixed') {
    ctx.decls.push(
      `${comment(schema.doc, '', `(fixed, ${String(schema.size)} bytes)`)}export type ${tsName} = Buffer;\n`,
    );
    return tsName;
  }
  if (type === 'record' || type === 'error') {
    const outer = ctx.namespace;
    ctx.namespace = ns;
    const fields = Array.isArray(schema.fields) ? schema.fields.filter(isObject) : [];
    const lines: string[] = [];
    const defaulted: string[] = [];
    for (const f of fields) {
      const fieldName = String(f.name);
      const logical =
        isObject(f.type) && typeof f.type.logicalType === 'string' ? `(${f.type.logicalType})` : undefined;
      lines.push(`${comment(f.doc, '  ', logical)}  ${fieldName}: ${tsType(f.type, ctx)};`);
      if ('default' in f) defaulted.push(fieldName);
    }
    ctx.namespace = outer;
    const body = `${comment(schema.doc, '')}export interface ${tsName} {\n${lines.join('\n')}\n}\n`;
    const input =
      defaulted.length === 0
        ? `\n/** What a producer passes to encode a ${tsName}. */\nexport type ${tsName}Input = ${tsName};\n`
        : `\n/** What a producer passes to encode a ${tsName}: fields with a default may be left out. */\nexport type ${tsName}Input = Omit<${tsName}, ${defaulted.map((d) => `'${d}'`).join(' | ')}> &\n  Partial<Pick<${tsName}, ${defaulted.map((d) => `'${d}'`).join(' | ')}>>;\n`;
    ctx.decls.push(body + input);
    return tsName;
  }
  throw new TypeError(`codegen: unsupported type ${type}`);
}

/**
 * TypeScript types for one .avsc file: an interface per record (decoded shape: every field
 * present), an `<Name>Input` type (fields with defaults optional), a string-literal type per
 * enum, and the schema itself as a constant.
 *
 * @example
 *   writeFileSync('schemas/generated/environment.ts', generateTypeScript(loadSchemaFile('schemas/environment.avsc'), 'schemas/environment.avsc'));
 */
export function generateTypeScript(schema: Pick<LocalSchema, 'json'>, sourceLabel: string): string {
  const ctx: Context = { namespace: undefined, named: new Map(), kinds: new Map(), decls: [] };
  const top = tsType(schema.json, ctx);
  const json = schema.json as AvroSchemaJson;
  const name = isObject(json) && typeof json.name === 'string' ? json.name : top;
  const constName = `${top.charAt(0).toLowerCase()}${top.slice(1)}Schema`;
  return [
    `// Generated by \`iotp schemas codegen\` from ${sourceLabel}. Do not edit: change the .avsc and rerun.\n`,
    ...ctx.decls,
    `/** The Avro schema of ${short(name)}, as in ${sourceLabel}. */\nexport const ${constName} = ${JSON.stringify(json, null, 2)} as const;\n`,
  ].join('\n');
}

/** schemas/generated/index.ts: re-exports every generated module. */
export function generateIndex(baseNames: string[]): string {
  const lines = baseNames.map((b) => `export * from './${b}.js';`);
  return `// Generated by \`iotp schemas codegen\`. Do not edit.\n${lines.join('\n')}\n`;
}
