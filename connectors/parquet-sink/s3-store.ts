import { readFile, rm } from 'node:fs/promises';
import { PutObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { parseArchiveFileName } from '../../lib/archive/layout.js';
import { keyParts, objectKey, topicKeyPrefix } from '../../lib/archive/s3-keys.js';
import type { ArchiveStore } from './archive-store.js';
import type { ArchivedFile } from './archived-index.js';
import { localDirStore } from './local-dir-store.js';

export interface S3StoreOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix of every object ('' for none). */
  prefix: string;
  /** Local working folder: files are written under `<tempRoot>/_tmp/` before the upload. */
  tempRoot: string;
  writerId: string;
}

/**
 * The archive in a bucket of an S3-compatible object store. A file is written to a local temp file
 * (`<tempRoot>/_tmp/`), then uploaded with one PutObject under its deterministic key
 * `<prefix>/<topic>/date=.../hour=.../<topic>+<partition>+<first>+<last>.parquet`. A PutObject is
 * atomic: readers and listings see the whole object or none of it, so after a crash a data file is
 * whole or absent, as with the local store's rename. A rewrite after a crash lands on the same key.
 * The body is sent with a CRC32 checksum that the server verifies.
 *
 * @example
 *   const store = s3Store({ client: archiveS3Client(s3), bucket: 'iotp-archive', prefix: '', tempRoot: 'archive', writerId: 'archive-0' });
 */
export function s3Store(options: S3StoreOptions): ArchiveStore {
  const { client, bucket, prefix } = options;
  const temp = localDirStore(options.tempRoot, options.writerId);
  return {
    location: `s3://${bucket}${prefix ? `/${prefix}` : ''}`,
    tempPath: (name) => temp.tempPath(name),
    async publish(tempPath, relPath) {
      // A Buffer body (files are at most tens of MB): its length and checksum are known up front,
      // which every S3-compatible server accepts (a stream would need aws-chunked uploads).
      const body = await readFile(tempPath);
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: objectKey(prefix, relPath),
          Body: body,
          ContentType: 'application/vnd.apache.parquet',
          ChecksumAlgorithm: 'CRC32',
        }),
      );
      await rm(tempPath, { force: true });
    },
    async listPartition(topic, partition) {
      const out: ArchivedFile[] = [];
      const pages = paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: topicKeyPrefix(prefix, topic) });
      for await (const page of pages) {
        for (const object of page.Contents ?? []) {
          const parts = object.Key ? keyParts(prefix, object.Key) : undefined;
          if (!parts || parts.topic !== topic) continue;
          const file = parseArchiveFileName(parts.name);
          if (file && file.topic === topic && file.partition === partition)
            out.push({ bucketDir: parts.bucketDir, file });
        }
      }
      return out;
    },
    cleanTemp: () => temp.cleanTemp(),
  };
}
