import { setTimeout as sleep } from 'node:timers/promises';
import { queryArchive } from '../lib/archive/index.js';
import type { Admin, TopicPartitionOffset } from '../lib/kafka/types.js';
import { WorkerProcess } from './worker-process.js';

/** What the demo's archive holds of the run's own devices, per raw reading topic's view. */
export interface ArchiveCounts {
  /** Rows (one per Kafka record: at-least-once duplicates from MQTT included). */
  rows: Record<string, number>;
  /** Distinct (deviceId, ts): the readings, as InfluxDB counts them (a point per device and time). */
  readings: Record<string, number>;
  /** False when the archive worker had not committed every raw record of the run when counted. */
  caughtUp: boolean;
  /** Where the run's archive is (`iotp archive query --root <root>`). */
  root: string;
}

/**
 * The archive worker of a demo run: `iotp sink parquet` into `<runDir>/archive`, in a consumer group
 * of its own that starts where the raw topics end now (see startGroupAtEnd), with files
 * closed 5 s after they open so the run's last hour is written while the pipeline drains.
 */
export function archiveWorker(
  runDir: string,
  env: Record<string, string>,
  groupId: string,
): { worker: WorkerProcess; root: string } {
  const root = `${runDir}/archive`;
  const worker = new WorkerProcess({
    name: 'archive-sink',
    args: ['sink', 'parquet'],
    logDir: runDir,
    env: {
      ...env,
      IOTP_ARCHIVE__ROOT: root,
      IOTP_ARCHIVE__GROUP_ID: groupId,
      IOTP_ARCHIVE__ROTATION__INTERVAL: '5s',
    },
  });
  return { worker, root };
}

/**
 * Commits the topics' current ends for a new group (the run's archive, its enrich application), before its worker starts: the
 * run archives its own readings, not a long-lived stack's whole retention (a fresh stack has none).
 */
export async function startGroupAtEnd(admin: Admin, groupId: string, topics: string[]): Promise<void> {
  const offsets: TopicPartitionOffset[] = [];
  for (const topic of topics)
    for (const p of await admin.topicOffsets(topic)) offsets.push({ topic, partition: p.partition, offset: p.high });
  await admin.setGroupOffsets(groupId, offsets);
}

/**
 * Waits (up to `timeoutMs`) until the archive's group has committed every record of the raw reading
 * topics, then counts the run's devices in the archive with DuckDB.
 */
export async function countArchived(options: {
  admin: Admin;
  topics: string[];
  groupId: string;
  root: string;
  devicePrefix: string;
  timeoutMs: number;
}): Promise<ArchiveCounts> {
  const { admin, topics, groupId } = options;
  const deadline = Date.now() + options.timeoutMs;
  let caughtUp = false;
  while (!caughtUp && Date.now() < deadline) {
    const committed = new Map(
      (await admin.committedOffsets(groupId, topics)).map((c) => [`${c.topic}/${c.partition}`, BigInt(c.offset)]),
    );
    caughtUp = true;
    for (const topic of topics)
      for (const p of await admin.topicOffsets(topic))
        if ((committed.get(`${topic}/${p.partition}`) ?? -1n) < BigInt(p.high)) caughtUp = false;
    if (!caughtUp) await sleep(1000);
  }
  const rows: Record<string, number> = {};
  const readings: Record<string, number> = {};
  const prefix = options.devicePrefix.replace(/'/g, "''");
  const { views } = await queryArchive({ root: options.root, sql: 'SELECT 1' });
  for (const v of views.filter((view) => topics.includes(view.topic))) {
    const result = await queryArchive({
      root: options.root,
      sql: `SELECT count(*) AS n, count(DISTINCT (deviceId, ts)) AS d FROM "${v.view}" WHERE deviceId LIKE '${prefix}%'`,
    });
    rows[v.view] = Number(result.rows[0]?.n ?? 0);
    readings[v.view] = Number(result.rows[0]?.d ?? 0);
  }
  return { rows, readings, caughtUp, root: options.root };
}
