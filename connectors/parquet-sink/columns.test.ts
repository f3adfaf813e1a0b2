import { describe, expect, it } from 'vitest';
import { archiveColumns, eventTimeColumn, UnarchivableSchemaError } from './columns.js';

const ts = { type: 'long', logicalType: 'timestamp-millis' };

describe('Avro -> Parquet columns', () => {
  it('maps timestamps, doubles, optional unions and complex types, Kafka columns last', () => {
    const cols = archiveColumns({
      type: 'record',
      name: 'R',
      fields: [
        { name: 'deviceId', type: 'string' },
        { name: 'ts', type: ts },
        { name: 'temperature', type: ['null', 'double'] },
        { name: 'n', type: 'int' },
        { name: 'big', type: 'long' },
        { name: 'us', type: { type: 'long', logicalType: 'timestamp-micros' } },
        { name: 'kind', type: { type: 'enum', name: 'K', symbols: ['A'] } },
        { name: 'tags', type: { type: 'map', values: 'string' } },
        { name: 'either', type: ['null', 'string', 'double'] },
        { name: 'end', type: ['null', ts] },
        { name: 'ok', type: 'boolean' },
        { name: 'raw', type: 'bytes' },
      ],
    });
    expect(cols.map((c) => [c.name, c.sqlType, c.nullable])).toEqual([
      ['deviceId', 'VARCHAR', false],
      ['ts', 'TIMESTAMP_MS', false],
      ['temperature', 'DOUBLE', true],
      ['n', 'INTEGER', false],
      ['big', 'BIGINT', false],
      ['us', 'TIMESTAMP', false],
      ['kind', 'VARCHAR', false],
      ['tags', 'VARCHAR', false],
      ['either', 'VARCHAR', true],
      ['end', 'TIMESTAMP_MS', true],
      ['ok', 'BOOLEAN', false],
      ['raw', 'BLOB', false],
      ['kafka_partition', 'INTEGER', false],
      ['kafka_offset', 'BIGINT', false],
    ]);
    expect(cols.find((c) => c.name === 'tags')?.kind).toBe('json');
  });

  it('picks ts as event time, else the first non-null timestamp, else none', () => {
    const of = (fields: unknown[]) => eventTimeColumn(archiveColumns({ type: 'record', name: 'R', fields }));
    expect(
      of([
        { name: 'windowStart', type: ts },
        { name: 'ts', type: ts },
      ]),
    ).toBe('ts');
    expect(
      of([
        { name: 'end', type: ['null', ts] },
        { name: 'windowStart', type: ts },
      ]),
    ).toBe('windowStart');
    expect(of([{ name: 'v', type: 'double' }])).toBeUndefined();
  });

  it('refuses what it cannot lay out', () => {
    expect(() => archiveColumns({ type: 'string' })).toThrow(UnarchivableSchemaError);
    expect(() =>
      archiveColumns({ type: 'record', name: 'R', fields: [{ name: 'kafka_offset', type: 'long' }] }),
    ).toThrow(/clashes/);
  });
});
