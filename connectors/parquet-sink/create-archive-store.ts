import { archiveS3Client } from '../../lib/archive/s3-client.js';
import { ConfigError } from '../../lib/errors.js';
import type { ArchiveSettings } from './archive-settings.js';
import type { ArchiveStore } from './archive-store.js';
import { localDirStore } from './local-dir-store.js';
import { s3Store } from './s3-store.js';

/**
 * The store `archive.storage.kind` names: the `root` folder (local), or a bucket of an
 * S3-compatible object store (s3), with `root` as the local folder of temp files.
 *
 * @example
 *   const store = createArchiveStore(archiveSettingsFrom(config, { replicaId: 'archive-0' }));
 */
export function createArchiveStore(settings: Pick<ArchiveSettings, 'root' | 'replicaId' | 'storage'>): ArchiveStore {
  const { storage } = settings;
  if (storage.kind === 'local') return localDirStore(settings.root, settings.replicaId);
  if (!storage.s3.bucket)
    throw new ConfigError('archive.storage.s3.bucket', 'expected a bucket name when archive.storage.kind is s3');
  return s3Store({
    client: archiveS3Client(storage.s3),
    bucket: storage.s3.bucket,
    prefix: storage.s3.prefix,
    tempRoot: settings.root,
    writerId: settings.replicaId,
  });
}
