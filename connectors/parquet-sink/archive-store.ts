import type { ArchivedFile } from './archived-index.js';

/**
 * Where finished files go: the seam between the sink and the storage. The local directory store is
 * the default (local-dir-store.ts); s3-store.ts puts them in a bucket of an S3-compatible object
 * store (create-archive-store.ts picks one from `archive.storage`).
 */
export interface ArchiveStore {
  /** For logs: the root folder or bucket. */
  readonly location: string;
  /** A fresh local path to write a file to before it is published. */
  tempPath(name: string): Promise<string>;
  /** Makes the written temp file durable under `relPath` (atomic: readers see all of it or nothing). */
  publish(tempPath: string, relPath: string): Promise<void>;
  /** The data files of one partition of a topic, in any order. */
  listPartition(topic: string, partition: number): Promise<ArchivedFile[]>;
  /** Removes temp files a crashed worker left behind (called once at start). */
  cleanTemp(): Promise<number>;
}
