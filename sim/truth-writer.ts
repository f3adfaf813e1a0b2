import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { IotpError } from '../lib/errors.js';
import { type TruthRecord, truthLine } from './ground-truth.js';

/**
 * Appends ground-truth records to a JSON-lines file (created or truncated at the start of a run),
 * and counts them by kind whether or not there is a file.
 *
 * @example
 *   const truth = createTruthWriter('/tmp/truth.jsonl');
 *   truth.write(record);
 *   await truth.close(); // flushed and closed
 */
export interface TruthWriter {
  write(record: TruthRecord): void;
  readonly byKind: Readonly<Record<string, number>>;
  readonly count: number;
  close(): Promise<void>;
}

export function createTruthWriter(file: string | undefined): TruthWriter {
  const byKind: Record<string, number> = {};
  let count = 0;
  let stream: WriteStream | undefined;
  let failure: unknown;
  if (file) {
    stream = createWriteStream(file, { flags: 'w' });
    stream.on('error', (error) => {
      failure = error;
    });
  }
  return {
    write(record) {
      count += 1;
      byKind[record.kind] = (byKind[record.kind] ?? 0) + 1;
      stream?.write(truthLine(record));
    },
    get byKind() {
      return byKind;
    },
    get count() {
      return count;
    },
    async close() {
      if (stream) {
        stream.end();
        if (!stream.closed) await once(stream, 'close');
      }
      if (failure)
        throw new IotpError('SIM_TRUTH_WRITE_FAILED', `could not write the truth file ${file}`, {
          cause: failure,
          context: { file },
        });
    },
  };
}
