import { S3Client } from '@aws-sdk/client-s3';
import type { ArchiveStorage } from '../config/sections/archive.js';

/** The `archive.storage.s3` settings of the pipeline YAML. */
export type ArchiveS3Settings = ArchiveStorage['s3'];

/**
 * An S3 client for the archive's bucket: the endpoint of an S3-compatible server (or AWS's of the
 * region), path-style URLs unless told otherwise, and the configured credentials, or the SDK's
 * default chain (AWS_* variables, profiles, roles) when none are set. The SDK retries throttling,
 * 5xx and network errors itself (5 attempts, backoff).
 *
 * @example
 *   const client = archiveS3Client({ endpoint: 'http://127.0.0.1:19000', bucket: 'iotp-archive', prefix: '', region: 'us-east-1', forcePathStyle: true });
 */
export function archiveS3Client(s3: ArchiveS3Settings): S3Client {
  return new S3Client({
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    maxAttempts: 5,
    ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
    ...(s3.accessKeyId && s3.secretAccessKey
      ? { credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } }
      : {}),
  });
}
