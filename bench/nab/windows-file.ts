import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { IotpError } from '../../lib/errors.js';
import type { Window } from './scoring/label-rows.js';
import { parseNabTimestamp } from './timestamp.js';

/**
 * Reads NAB's windows file (`{"<category>/<file>.csv": [["start", "end"], ...]}`, `.gz` allowed)
 * into windows in epoch ms per file key, keys in the file's order.
 *
 * @example readWindowsFile('nab/windows.json').get('realKnownCause/nyc_taxi.csv')?.length // 5
 */
export function readWindowsFile(path: string): Map<string, Window[]> {
  const raw = readFileSync(path);
  let parsed: unknown;
  try {
    parsed = JSON.parse((path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
  } catch (cause) {
    throw new IotpError('NAB_BAD_WINDOWS', `${path} is not JSON`, { cause });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new IotpError('NAB_BAD_WINDOWS', `${path}: expected an object of "<category>/<file>.csv": [[start, end]]`);
  }
  const out = new Map<string, Window[]>();
  for (const [key, list] of Object.entries(parsed)) {
    if (!Array.isArray(list)) throw new IotpError('NAB_BAD_WINDOWS', `${path}: "${key}" is not a list of windows`);
    out.set(
      key,
      list.map((pair: unknown) => {
        if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
          throw new IotpError('NAB_BAD_WINDOWS', `${path}: "${key}" has a window that is not [start, end]`);
        }
        return { start: parseNabTimestamp(pair[0]), end: parseNabTimestamp(pair[1]) };
      }),
    );
  }
  return out;
}
