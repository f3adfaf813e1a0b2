import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { IotpError } from '../errors.js';
import { parseArchiveFileName } from './layout.js';
import { hourMayHold, keyParts } from './s3-keys.js';

export interface S3SyncOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix of the archive's objects ('' for none). */
  prefix: string;
  /** Local folder the objects are copied to, in the same layout. */
  root: string;
  /** Only hour folders that may hold event times in [sinceMs, untilMs). */
  sinceMs?: number | undefined;
  untilMs?: number | undefined;
}

export interface S3SyncResult {
  /** Data files listed in the bucket for the time range. */
  listed: number;
  /** Of those, copied now (the others were already here with the same size). */
  downloaded: number;
  bytes: number;
}

/**
 * Copies an S3 archive's data files into a local folder with the same layout, so DuckDB reads them
 * as a local archive (its httpfs extension, which would read S3 itself, is downloaded at run time
 * and not available offline). Only hour folders of the time range are fetched; a file already here
 * with the object's size is kept (a key names a partition's offset range of one hour, so its rows
 * never change). Each file is written under a dot name and renamed: readers never see half of one.
 *
 * @example
 *   await syncS3Archive({ client, bucket: 'iotp-archive', prefix: '', root: 'archive', sinceMs: Date.now() - 86_400_000 });
 */
export async function syncS3Archive(options: S3SyncOptions): Promise<S3SyncResult> {
  const { client, bucket, prefix } = options;
  const root = resolve(options.root);
  const result: S3SyncResult = { listed: 0, downloaded: 0, bytes: 0 };
  const pages = paginateListObjectsV2({ client }, { Bucket: bucket, ...(prefix ? { Prefix: `${prefix}/` } : {}) });
  for await (const page of pages) {
    for (const object of page.Contents ?? []) {
      const parts = object.Key ? keyParts(prefix, object.Key) : undefined;
      if (!object.Key || !parts || !parseArchiveFileName(parts.name)) continue;
      if (!hourMayHold(parts.bucketDir, options.sinceMs, options.untilMs)) continue;
      result.listed += 1;
      const target = join(root, parts.relPath);
      const local = await stat(target).catch(() => undefined);
      if (local && local.size === object.Size) continue;
      const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }));
      if (!response.Body)
        throw new IotpError('ARCHIVE_S3_READ_FAILED', `s3://${bucket}/${object.Key} has no body`, {
          retriable: true,
          context: { bucket, key: object.Key },
        });
      const bytes = await response.Body.transformToByteArray();
      await mkdir(dirname(target), { recursive: true });
      const part = join(dirname(target), `.${parts.name}.${process.pid}.part`);
      try {
        await writeFile(part, bytes);
        await rename(part, target);
      } finally {
        await rm(part, { force: true });
      }
      result.downloaded += 1;
      result.bytes += bytes.length;
    }
  }
  return result;
}
