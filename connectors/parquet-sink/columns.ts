/**
 * Avro -> Parquet columns (through DuckDB's types): one column per top-level field of the record
 * schema, in schema order, then `kafka_partition` and `kafka_offset`. Pure.
 *
 * | Avro | column |
 * |---|---|
 * | `long` timestamp-millis | TIMESTAMP_MS (Parquet TIMESTAMP(MILLIS)) |
 * | `long` timestamp-micros | TIMESTAMP (Parquet TIMESTAMP(MICROS)) |
 * | `double`, `float` | DOUBLE, FLOAT (doubles stay doubles) |
 * | `int`, `long` | INTEGER, BIGINT |
 * | `boolean` | BOOLEAN |
 * | `string`, `enum` | VARCHAR |
 * | `bytes`, `fixed` | BLOB |
 * | `["null", T]` | T, nullable |
 * | record, map, array, other unions | VARCHAR holding JSON |
 */
export type ColumnKind =
  | 'timestamp-ms'
  | 'timestamp-us'
  | 'double'
  | 'float'
  | 'int'
  | 'long'
  | 'boolean'
  | 'string'
  | 'bytes'
  | 'json';

export interface ArchiveColumn {
  name: string;
  kind: ColumnKind;
  /** DuckDB type of the column. */
  sqlType: string;
  /** True for `["null", T]`: the column is optional. */
  nullable: boolean;
}

/** Columns the sink adds to every file: where each row was read. */
export const KAFKA_COLUMNS: readonly ArchiveColumn[] = [
  { name: 'kafka_partition', kind: 'int', sqlType: 'INTEGER', nullable: false },
  { name: 'kafka_offset', kind: 'long', sqlType: 'BIGINT', nullable: false },
];

const SQL_TYPE: Record<ColumnKind, string> = {
  'timestamp-ms': 'TIMESTAMP_MS',
  'timestamp-us': 'TIMESTAMP',
  double: 'DOUBLE',
  float: 'FLOAT',
  int: 'INTEGER',
  long: 'BIGINT',
  boolean: 'BOOLEAN',
  string: 'VARCHAR',
  bytes: 'BLOB',
  json: 'VARCHAR',
};

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

function kindOf(type: Json): ColumnKind {
  const name = isObject(type) ? type.type : type;
  const logical = isObject(type) ? type.logicalType : undefined;
  switch (name) {
    case 'long':
      if (logical === 'timestamp-millis') return 'timestamp-ms';
      if (logical === 'timestamp-micros') return 'timestamp-us';
      return 'long';
    case 'int':
      return 'int';
    case 'double':
      return 'double';
    case 'float':
      return 'float';
    case 'boolean':
      return 'boolean';
    case 'string':
    case 'enum':
      return 'string';
    case 'bytes':
    case 'fixed':
      return 'bytes';
    default:
      return 'json';
  }
}

function columnOf(name: string, type: Json): ArchiveColumn {
  if (Array.isArray(type)) {
    const others = type.filter((t) => t !== 'null');
    const nullable = others.length < type.length;
    const kind = others.length === 1 ? kindOf(others[0]) : 'json';
    return { name, kind, sqlType: SQL_TYPE[kind], nullable };
  }
  const kind = kindOf(type);
  return { name, kind, sqlType: SQL_TYPE[kind], nullable: false };
}

/** Thrown for a schema the archive cannot lay out; the sink dead-letters its records. */
export class UnarchivableSchemaError extends Error {}

/**
 * The columns of a record schema (its JSON, logical types included), Kafka columns last.
 *
 * @example
 *   archiveColumns({ type: 'record', name: 'R', fields: [{ name: 'ts', type: { type: 'long', logicalType: 'timestamp-millis' } }] })
 *   // [{ name: 'ts', kind: 'timestamp-ms', sqlType: 'TIMESTAMP_MS', nullable: false }, kafka_partition, kafka_offset]
 */
export function archiveColumns(schema: Json): ArchiveColumn[] {
  if (!isObject(schema) || schema.type !== 'record' || !Array.isArray(schema.fields))
    throw new UnarchivableSchemaError('expected an Avro record schema');
  const columns = schema.fields.map((f: Json) => {
    if (!isObject(f) || typeof f.name !== 'string') throw new UnarchivableSchemaError('a field has no name');
    return columnOf(f.name, f.type);
  });
  for (const k of KAFKA_COLUMNS)
    if (columns.some((c) => c.name === k.name))
      throw new UnarchivableSchemaError(`field ${k.name} clashes with the archive's own column`);
  return [...columns, ...KAFKA_COLUMNS];
}

/**
 * The event-time column: `ts` when it is a non-null timestamp, else the first non-null timestamp
 * field (a window result's `windowStart`); undefined when the schema has none (the sink then uses
 * the Kafka record timestamp, which the pipeline's producers set to the event time).
 */
export function eventTimeColumn(columns: readonly ArchiveColumn[]): string | undefined {
  const stamps = columns.filter((c) => !c.nullable && (c.kind === 'timestamp-ms' || c.kind === 'timestamp-us'));
  return (stamps.find((c) => c.name === 'ts') ?? stamps[0])?.name;
}
