import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArchiveFileName } from '../../lib/archive/layout.js';
import type { ArchiveStore } from './archive-store.js';
import type { ArchivedFile } from './archived-index.js';

const TEMP_DIR = '_tmp';

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function listDirs(path: string, prefix: string): Promise<string[]> {
  try {
    const entries = await readdir(path, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() && e.name.startsWith(prefix)).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * The archive in a local or mounted directory. A file is written under `<root>/_tmp/` (same file
 * system), fsynced, renamed into `<root>/<topic>/date=.../hour=.../`, and the folder is fsynced, so
 * after a crash a data file is either whole or absent. `_tmp` is outside every topic's folder:
 * readers never see a half-written file.
 *
 * @example
 *   const store = localDirStore('/data/archive', 'archive-0');
 */
export function localDirStore(root: string, writerId: string): ArchiveStore {
  const base = resolve(root);
  const tempDir = join(base, TEMP_DIR);
  const safeId = writerId.replace(/[^A-Za-z0-9._-]/g, '_');
  let counter = 0;
  return {
    location: base,
    async tempPath(name) {
      await mkdir(tempDir, { recursive: true });
      counter += 1;
      return join(tempDir, `${name}.${safeId}.${process.pid}.${counter}`);
    },
    async publish(tempPath, relPath) {
      const target = join(base, relPath);
      await fsyncPath(tempPath);
      await mkdir(dirname(target), { recursive: true });
      await rename(tempPath, target);
      await fsyncPath(dirname(target));
    },
    async listPartition(topic, partition) {
      const out: ArchivedFile[] = [];
      const topicDir = join(base, topic);
      for (const date of await listDirs(topicDir, 'date=')) {
        for (const hour of await listDirs(join(topicDir, date), 'hour=')) {
          const bucketDir = `${date}/${hour}`;
          for (const name of await readdir(join(topicDir, bucketDir))) {
            const file = parseArchiveFileName(name);
            if (file && file.topic === topic && file.partition === partition) out.push({ bucketDir, file });
          }
        }
      }
      return out;
    },
    async cleanTemp() {
      let removed = 0;
      let names: string[] = [];
      try {
        names = await readdir(tempDir);
      } catch {
        return 0;
      }
      // This writer's leftovers, and anyone's older than an hour: another replica may be writing its own right now.
      const staleBefore = Date.now() - 3_600_000;
      for (const name of names) {
        const path = join(tempDir, name);
        if (!name.includes(`.${safeId}.`)) {
          const info = await stat(path).catch(() => undefined);
          if (!info || info.mtimeMs > staleBefore) continue;
        }
        await rm(path, { force: true });
        removed += 1;
      }
      return removed;
    },
  };
}
