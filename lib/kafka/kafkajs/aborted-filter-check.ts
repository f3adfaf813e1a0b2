/**
 * kafkajs 2.2.4 returns records of aborted transactions to read_committed consumers when
 * transactions of several producers interleave in a partition and are aborted out of order (what a
 * kill -9 of a worker with one transactional producer per task leaves). patches/kafkajs+2.2.4.patch
 * fixes its filter; this check refuses to run exactly-once work on an unpatched install, where the
 * failure would otherwise show up as duplicated results downstream.
 */
import { createRequire } from 'node:module';
import { IotpError } from '../../errors.js';
import { KafkaErrorCodes } from '../kafka-error.js';

interface FilterMessage {
  offset: string;
  key: Buffer | null;
  isControlRecord: boolean;
  batchContext: { producerId: string; inTransaction: boolean };
}
export type AbortedFilter = (input: {
  messages: FilterMessage[];
  abortedTransactions: { producerId: string; firstOffset: string }[];
}) => FilterMessage[];

const ABORT_KEY = Buffer.from([0, 0, 0, 0]);
const data = (offset: number, producerId: string): FilterMessage => ({
  offset: String(offset),
  key: Buffer.from('k'),
  isControlRecord: false,
  batchContext: { producerId, inTransaction: true },
});
const abortMarker = (offset: number, producerId: string): FilterMessage => ({
  ...data(offset, producerId),
  key: ABORT_KEY,
  isControlRecord: true,
});

/**
 * True when `filter` drops every aborted record of the interleaving B0 B1 A2 B3 |abort A| |abort B|
 * A6(committed), with the broker's marker-ordered aborted list [A from 2, B from 0].
 */
export function filtersInterleavedAborts(filter: AbortedFilter): boolean {
  const messages = [
    data(0, 'B'),
    data(1, 'B'),
    data(2, 'A'),
    data(3, 'B'),
    abortMarker(4, 'A'),
    abortMarker(5, 'B'),
    data(6, 'A'),
  ];
  const kept = filter({
    messages,
    abortedTransactions: [
      { producerId: 'A', firstOffset: '2' },
      { producerId: 'B', firstOffset: '0' },
    ],
  });
  return (
    kept
      .filter((m) => !m.isControlRecord)
      .map((m) => m.offset)
      .join(',') === '6'
  );
}

let checked = false;

/** Throws KAFKA_BACKEND_UNAVAILABLE, naming the fix, when the installed kafkajs has the unpatched filter. */
export function assertKafkajsFiltersAbortedTransactions(): void {
  if (checked) return;
  const require = createRequire(import.meta.url);
  const filter = require('kafkajs/src/consumer/filterAbortedMessages.js') as AbortedFilter;
  if (!filtersInterleavedAborts(filter))
    throw new IotpError(
      KafkaErrorCodes.BACKEND_UNAVAILABLE,
      'kafkajs is installed without patches/kafkajs+2.2.4.patch: its read_committed filter returns records of ' +
        'aborted transactions. Install with scripts/install-node.sh (or `npm install`, whose postinstall runs ' +
        'patch-package), not with --ignore-scripts',
      { context: { backend: 'kafkajs' } },
    );
  checked = true;
}
