import { Counter, Gauge, type Registry } from 'prom-client';
import { METRIC } from '../../lib/runtime/metric-names.js';

/**
 * The archive worker's metrics: the shared records in/out and dead letters (lib/runtime/metric-names.ts)
 * and its own files, rows, bytes, skipped replays and open rows.
 */
export function createArchiveMetrics(registry: Registry) {
  const registers = [registry];
  const m = METRIC;
  return {
    recordsIn: new Counter({
      name: m.recordsIn.name,
      help: m.recordsIn.help,
      labelNames: m.recordsIn.labels,
      registers,
    }),
    recordsOut: new Counter({
      name: m.recordsOut.name,
      help: m.recordsOut.help,
      labelNames: m.recordsOut.labels,
      registers,
    }),
    deadLetters: new Counter({
      name: m.deadLetters.name,
      help: m.deadLetters.help,
      labelNames: m.deadLetters.labels,
      registers,
    }),
    files: new Counter({
      name: 'iotp_archive_files_written_total',
      help: 'Parquet files published, by topic and why they were closed (records, bytes, time, schema, memory, shutdown)',
      labelNames: ['topic', 'reason'],
      registers,
    }),
    fileBytes: new Counter({
      name: 'iotp_archive_file_bytes_total',
      help: 'Bytes of the Parquet files published, by topic',
      labelNames: ['topic'],
      registers,
    }),
    skipped: new Counter({
      name: 'iotp_archive_replayed_skipped_total',
      help: 'Records read again after a restart that a published file already holds (not written twice)',
      labelNames: ['topic'],
      registers,
    }),
    openRecords: new Gauge({
      name: 'iotp_archive_open_records',
      help: 'Records held in open files (not yet written)',
      registers,
    }),
  };
}

export type ArchiveMetrics = ReturnType<typeof createArchiveMetrics>;
