import { basename, dirname, join } from 'node:path';

/**
 * Where NAB keeps a detector's results for one data file:
 * `OUT/<name>/<category>/<name>_<file>.csv`.
 *
 * @example resultPath('out', 'iotp', 'realKnownCause/nyc_taxi.csv') // out/iotp/realKnownCause/iotp_nyc_taxi.csv
 */
export function resultPath(outDir: string, name: string, key: string): string {
  return join(outDir, name, dirname(key), `${name}_${basename(key)}`);
}
