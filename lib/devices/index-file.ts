import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { IotpError } from '../errors.js';
import { type DeviceIndex, emptyIndex, parseDeviceIndex } from './device-index.js';

/** A lock older than this is taken to be left over by a killed command and is broken. */
const STALE_LOCK_MS = 60_000;

/** Reads the device index; a missing file is an empty index. */
export function readDeviceIndex(file: string): DeviceIndex {
  if (!existsSync(file)) return emptyIndex();
  return parseDeviceIndex(readFileSync(file, 'utf8'), file);
}

/** Replaces the index file atomically (write beside it, then rename). */
export function writeDeviceIndex(file: string, index: DeviceIndex): void {
  const next = `${file}.next-${process.pid}`;
  writeFileSync(next, `${JSON.stringify(index, null, 2)}\n`, { mode: 0o644 });
  renameSync(next, file);
}

/**
 * Runs `fn` holding `<file>.lock` (created exclusively), so that two `iotp devices` commands never
 * interleave their read-modify-write of the index, the CRL and the password file. Waits up to
 * `timeoutMs` for another holder.
 */
export async function withIndexLock<T>(file: string, fn: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const lock = `${file}.lock`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeFileSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (isStale(lock)) {
        rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new IotpError(
          'DEVICES_INDEX_LOCKED',
          `${lock} is held by another iotp devices command (pid ${readFileSync(lock, 'utf8').trim() || '?'}); ` +
            `remove the file if no such command runs`,
        );
      }
      await sleep(50);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

function isStale(lock: string): boolean {
  try {
    return Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS;
  } catch {
    return false;
  }
}
