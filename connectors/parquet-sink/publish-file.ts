import { stat } from 'node:fs/promises';
import { archiveFileName, archiveFilePath } from '../../lib/archive/layout.js';
import { IotpError } from '../../lib/errors.js';
import type { ArchiveStore } from './archive-store.js';
import type { ClosedFile } from './open-files.js';
import type { ParquetFileOptions, ParquetWriter } from './parquet-writer.js';
import { ARCHIVE_METADATA, type SchemaLayout } from './schema-layouts.js';

export interface PublishedFile {
  relPath: string;
  rows: number;
  bytes: number;
}

/**
 * Writes one closed file: Parquet to a temp path, then published (fsync + rename) under its
 * deterministic name `<topic>/date=.../hour=.../<topic>+<partition>+<first>+<last>.parquet`.
 * Only after this returns may the file's offsets be committed.
 */
export async function publishFile(
  file: ClosedFile,
  deps: {
    layout: SchemaLayout | undefined;
    writer: ParquetWriter;
    store: ArchiveStore;
    options: Pick<ParquetFileOptions, 'compression' | 'rowGroupSize'>;
  },
): Promise<PublishedFile> {
  const first = file.rows[0];
  const last = file.rows[file.rows.length - 1];
  if (!deps.layout || !first || !last)
    throw new IotpError('ARCHIVE_INTERNAL', 'a closed file has no rows or no schema layout', {
      context: { topic: file.topic, partition: file.partition, schemaId: file.schemaId },
    });
  const name = {
    topic: file.topic,
    partition: file.partition,
    startOffset: String(first.offset),
    endOffset: String(last.offset),
  };
  const relPath = archiveFilePath(file.bucket.dir, name);
  const tempPath = await deps.store.tempPath(archiveFileName(name));
  try {
    await deps.writer.write(tempPath, deps.layout.columns, file.rows, file.partition, {
      ...deps.options,
      metadata: { ...deps.layout.metadata, [ARCHIVE_METADATA.schemaId]: String(file.schemaId) },
    });
    const bytes = (await stat(tempPath)).size;
    await deps.store.publish(tempPath, relPath);
    return { relPath, rows: file.rows.length, bytes };
  } catch (cause) {
    throw new IotpError('ARCHIVE_WRITE_FAILED', `could not write ${relPath}: ${String(cause)}`, {
      cause,
      context: { topic: file.topic, partition: file.partition, path: relPath },
    });
  }
}
