import { IotpError } from '../../lib/errors.js';
import { type RegistryConnection, registryRequest } from '../../lib/serde/registry-http.js';
import { type ArchiveColumn, archiveColumns, eventTimeColumn, UnarchivableSchemaError } from './columns.js';

/** How the records of one writer schema are laid out in files. */
export interface SchemaLayout {
  schemaId: number;
  columns: ArchiveColumn[];
  /** The event-time column, or undefined (the Kafka record timestamp is used). */
  timeColumn: ArchiveColumn | undefined;
  /** Key-value metadata of every file of this schema. */
  metadata: Record<string, string>;
}

/** Metadata keys every data file carries. */
export const ARCHIVE_METADATA = {
  schemaId: 'iotp.schema.id',
  schemaVersion: 'iotp.schema.version',
  subject: 'iotp.schema.subject',
  avroSchema: 'iotp.avro.schema',
  timeColumn: 'iotp.event_time.column',
} as const;

/**
 * The layout of each schema id, made once: columns from the writer schema as the registry stores it
 * (avsc's Type drops logical types, so the JSON is read with `GET /schemas/ids/{id}`), the
 * event-time column, and the metadata (schema id, the topic subject's version of it from
 * `GET /schemas/ids/{id}/versions` when the registry knows one, the writer schema). Registry errors
 * propagate (SERDE_REGISTRY_UNAVAILABLE is retriable); a schema the archive cannot lay out throws
 * UnarchivableSchemaError.
 *
 * @example
 *   const layouts = createSchemaLayouts({ url, auth });
 *   const layout = await layouts.layoutFor('telemetry.environment', 3);
 */
export function createSchemaLayouts(connection: RegistryConnection) {
  const layouts = new Map<number, SchemaLayout>();
  const versionOf = async (subject: string, id: number): Promise<string> => {
    const { status, body } = await registryRequest(connection, 'GET', `/schemas/ids/${id}/versions`);
    if (status !== 200 || !Array.isArray(body)) return 'unknown';
    const hit = (body as { subject?: string; version?: number }[]).find((b) => b.subject === subject);
    return hit?.version === undefined ? 'unknown' : String(hit.version);
  };
  return {
    get(schemaId: number): SchemaLayout | undefined {
      return layouts.get(schemaId);
    },
    async layoutFor(topic: string, schemaId: number): Promise<SchemaLayout> {
      const known = layouts.get(schemaId);
      if (known) return known;
      const { status, body } = await registryRequest(connection, 'GET', `/schemas/ids/${schemaId}`);
      const text = (body as { schema?: unknown } | undefined)?.schema;
      if (status !== 200 || typeof text !== 'string')
        throw new IotpError('ARCHIVE_SCHEMA_FETCH', `the registry answered ${status} for schema id ${schemaId}`, {
          retriable: status >= 500 || status === 429,
          context: { schemaId, topic },
        });
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new UnarchivableSchemaError(`schema id ${schemaId} is not JSON`);
      }
      const columns = archiveColumns(json);
      const timeName = eventTimeColumn(columns);
      const timeColumn = columns.find((c) => c.name === timeName);
      const subject = `${topic}-value`;
      const layout: SchemaLayout = {
        schemaId,
        columns,
        timeColumn,
        metadata: {
          [ARCHIVE_METADATA.schemaId]: String(schemaId),
          [ARCHIVE_METADATA.schemaVersion]: await versionOf(subject, schemaId),
          [ARCHIVE_METADATA.subject]: subject,
          [ARCHIVE_METADATA.avroSchema]: JSON.stringify(json),
          [ARCHIVE_METADATA.timeColumn]: timeName ?? '',
        },
      };
      layouts.set(schemaId, layout);
      return layout;
    },
  };
}

export type SchemaLayouts = ReturnType<typeof createSchemaLayouts>;
