import type { ArchiveFileName } from '../../lib/archive/layout.js';

/** A data file already in the archive: its hour folder and the offsets its name covers. */
export interface ArchivedFile {
  bucketDir: string;
  file: ArchiveFileName;
}

/**
 * What the archive already holds of one partition, by hour folder: the offset ranges of its files.
 * A file of an hour holds every record of that hour between its first and last offset, so a record
 * whose offset falls in a range of its own hour is already archived and is skipped; this is what
 * makes a restart after kill -9 exactly once whatever the file boundaries of the second run.
 * Only files ending at or after `fromOffset` are kept (older ones can never be read again). Pure.
 *
 * @example
 *   const index = ArchivedIndex.of(files, 1000n);
 *   index.covers('date=2026-12-03/hour=08', 1042n) // true when a file of that hour spans 1042
 */
export class ArchivedIndex {
  private constructor(private readonly ranges: Map<string, [bigint, bigint][]>) {}

  static of(files: readonly ArchivedFile[], fromOffset: bigint): ArchivedIndex {
    const ranges = new Map<string, [bigint, bigint][]>();
    for (const { bucketDir, file } of files) {
      const end = BigInt(file.endOffset);
      if (end < fromOffset) continue;
      const list = ranges.get(bucketDir) ?? [];
      list.push([BigInt(file.startOffset), end]);
      ranges.set(bucketDir, list);
    }
    return new ArchivedIndex(ranges);
  }

  get size(): number {
    let n = 0;
    for (const list of this.ranges.values()) n += list.length;
    return n;
  }

  covers(bucketDir: string, offset: bigint): boolean {
    const list = this.ranges.get(bucketDir);
    return list?.some(([start, end]) => start <= offset && offset <= end) ?? false;
  }
}
