import type { LoadedPipelineConfig } from '../lib/config/index.js';
import { windowName, windowTopic } from '../lib/config/index.js';
import type { GroupLagSnapshots, LagRow } from '../lib/kafka/group-lag-snapshot.js';
import type { Admin, ConsumedRecord, KafkaClient } from '../lib/kafka/types.js';
import { streamsRunSettings } from '../streams/topologies/shared/streams-settings.js';

/** Sum of the partitions' end offsets per topic (a "before" and "after" give what a run added). */
export async function endOffsets(admin: Admin, topics: string[]): Promise<Record<string, bigint>> {
  const out: Record<string, bigint> = {};
  for (const topic of topics) {
    const parts = await admin.topicOffsets(topic);
    out[topic] = parts.reduce((sum, p) => sum + BigInt(p.high), 0n);
  }
  return out;
}

/** Each partition's end offset now: where a run's records of the topic will start. */
export async function partitionEnds(admin: Admin, topic: string): Promise<Map<number, bigint>> {
  return new Map((await admin.topicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
}

/**
 * The records a run added to a topic: those at or after the offsets `partitionEnds` gave at its
 * start (reads every partition to its end). By offset, not by timestamp: records of a history
 * (anomalies of readings from a day ago) carry old event times.
 */
export async function recordsAfter(
  client: KafkaClient,
  admin: Admin,
  topic: string,
  from: ReadonlyMap<number, bigint>,
): Promise<ConsumedRecord[]> {
  const partitions = (await admin.topicOffsets(topic)).map((p) => p.partition);
  const out: ConsumedRecord[] = [];
  await client.replay({
    topic,
    partitions,
    onRecords: (records) => {
      for (const r of records) if (BigInt(r.offset) >= (from.get(r.partition) ?? 0n)) out.push(r);
    },
  });
  return out;
}

export interface InfluxAccess {
  url: string;
  db: string;
  username?: string;
  password?: string;
}

/** Runs an InfluxQL query through the v1 /query API and returns the first series' rows. */
export async function influxql(access: InfluxAccess, q: string): Promise<{ columns: string[]; values: unknown[][] }[]> {
  const headers: Record<string, string> = {};
  if (access.username)
    headers.authorization = `Basic ${Buffer.from(`${access.username}:${access.password ?? ''}`).toString('base64')}`;
  const res = await fetch(
    `${access.url}/query?db=${encodeURIComponent(access.db)}&epoch=ms&q=${encodeURIComponent(q)}`,
    { headers },
  );
  const body = (await res.json()) as {
    results?: { series?: { columns: string[]; values: unknown[][] }[]; error?: string }[];
    error?: string;
  };
  const error = body.error ?? body.results?.[0]?.error;
  if (!res.ok || error) throw new Error(`InfluxDB query failed (${res.status}): ${error ?? ''} for ${q}`);
  return body.results?.[0]?.series ?? [];
}

/** Points in a measurement since a time: the largest per-field count (every point has some field). */
/**
 * Points of a measurement from `sinceMs` on, of the devices whose id starts with `devicePrefix`
 * (a run's own devices: earlier runs' histories overlap its time span).
 */
export async function pointsSince(
  access: InfluxAccess,
  measurement: string,
  sinceMs: number,
  devicePrefix: string,
): Promise<number> {
  const prefix = devicePrefix.replace(/[^A-Za-z0-9_-]/g, '');
  const series = await influxql(
    access,
    `SELECT count(*) FROM "${measurement}" WHERE time >= ${sinceMs}ms AND "deviceId" =~ /^${prefix}/`,
  );
  const row = series[0]?.values[0] ?? [];
  return row.slice(1).reduce<number>((max, v) => Math.max(max, typeof v === 'number' ? v : 0), 0);
}

/** The measurements the sink writes for this config, keyed by what they hold. */
export function pipelineMeasurements(config: LoadedPipelineConfig): {
  raw: string[];
  windows: string[];
  anomalies: string;
} {
  const raw = config.readingRoutes.map((r) => r.type);
  const windows = config.readingRoutes.flatMap((r) => config.streams.windows.map((w) => `${r.type}_${windowName(w)}`));
  return { raw, windows, anomalies: 'anomalies' };
}

/** Raw reading topics and window-result topics of the config. */
export function pipelineDataTopics(config: LoadedPipelineConfig): { raw: string[]; windows: string[] } {
  return {
    raw: config.readingRoutes.map((r) => r.topic),
    windows: config.readingRoutes.flatMap((r) => config.streams.windows.map((w) => windowTopic(r.topic, w))),
  };
}

/**
 * Lag rows of every consumer group that committed on one of `pipelineTopics`, on those topics only
 * (other groups' test topics come and go).
 */
/** The consumer groups of the pipeline's workers: both topologies' application ids and the sink's group. */
export function pipelineGroups(config: LoadedPipelineConfig): string[] {
  return [
    streamsRunSettings(config, 'aggregate').applicationId,
    streamsRunSettings(config, 'detect').applicationId,
    config.sink.groupId,
  ];
}

export async function pipelineLag(
  admin: Admin,
  snapshots: GroupLagSnapshots,
  pipelineTopics: string[],
  groups?: readonly string[],
): Promise<LagRow[]> {
  const rows: LagRow[] = [];
  // Only the given groups when named: another consumer of the same topics on a shared cluster
  // (an archive catching up, a stopped benchmark's group) is not this pipeline's lag.
  for (const group of groups ?? (await admin.listGroups())) {
    const committed = await admin.committedOffsets(group, pipelineTopics);
    const topics = [...new Set(committed.map((c) => c.topic))];
    if (topics.length > 0) rows.push(...(await snapshots.snapshot(group, topics)));
  }
  return rows;
}
