import { enrichedStreams, fleetTopics } from '../lib/config/enriched-topics.js';
import { type LoadedPipelineConfig, windowName } from '../lib/config/index.js';
import { deviceSerdeFrom, emptyRecord, writeRegistryRecords } from '../lib/devices/index.js';
import type { Admin, KafkaClient } from '../lib/kafka/types.js';
import { createFleet } from '../sim/fleet.js';
import { startGroupAtEnd } from './archive-count.js';
import { endOffsets, type InfluxAccess, influxql } from './collect.js';
import { WorkerProcess } from './worker-process.js';

/** The simulator's fleet shape the demo asks for (passed to `iotp simulate` too). */
export const DEMO_SITES = 10;
export const DEMO_TYPES = ['environment', 'power'];

/** What the demo shows of the enrichment (issue 16): enriched records, and the fleet views in InfluxDB. */
export interface EnrichmentCounts {
  /** Records the enrich topology wrote to `<topic>.enriched` during the run. */
  enriched: number;
  /** Of the run's registry records: how many devices it registered. */
  registered: number;
  /** Per fleet measurement (e.g. environment_1m_by_site): window results of the run's sites or models. */
  fleetPoints: Record<string, number>;
}

/** The run's site names: `<devicePrefix>-site-01`... (unique per run, so runs on one stack never share a site). */
export const demoSitePrefix = (devicePrefix: string) => `${devicePrefix}-site`;

/**
 * Registers the run's devices in the device registry before the swarm starts: the simulator's own
 * fleet (same options), each with its site, a model per type (`<devicePrefix>-<type>-m1|m2`, two
 * models per type), a firmware and a tag, so the enriched records and the per-model view have
 * something to show.
 */
export async function registerDemoDevices(
  config: LoadedPipelineConfig,
  client: KafkaClient,
  options: { devices: number; seed: number; devicePrefix: string },
): Promise<number> {
  const fleet = createFleet({
    devices: options.devices,
    sites: DEMO_SITES,
    types: DEMO_TYPES,
    seed: options.seed,
    gatewaySize: 0,
    devicePrefix: options.devicePrefix,
    sitePrefix: demoSitePrefix(options.devicePrefix),
  });
  const { topic, serde } = deviceSerdeFrom(config);
  const records = fleet.devices.map((d) => ({
    ...emptyRecord(d.deviceId),
    site: d.site,
    model: `${options.devicePrefix}-${d.model.type}-m${(d.index % 2) + 1}`,
    firmware: d.index % 3 === 0 ? '2.1.0' : '2.0.4',
    tags: { fleet: 'demo' },
  }));
  return writeRegistryRecords(client, topic, serde, { records });
}

/** `iotp streams run enrich` for the demo, as application `applicationId`. */
export function enrichWorker(runDir: string, env: Record<string, string>, applicationId: string): WorkerProcess {
  return new WorkerProcess({
    name: 'streams-enrich',
    args: ['streams', 'run', 'enrich', '--application-id', applicationId],
    logDir: runDir,
    env,
  });
}

/**
 * Commits the ends of the topics the enrich topology enriches for a new application, so it starts
 * with the run's records; the registry topic gets no offset, so its table is read from the start.
 */
export async function startEnrichAtEnd(admin: Admin, config: LoadedPipelineConfig, applicationId: string) {
  await startGroupAtEnd(
    admin,
    applicationId,
    enrichedStreams(config).map((s) => s.topic),
  );
}

/** The enriched topics' ends now: where the run's enriched records start. */
export function enrichedEnds(admin: Admin, config: LoadedPipelineConfig): Promise<Record<string, bigint>> {
  return endOffsets(
    admin,
    enrichedStreams(config).map((s) => s.enrichedTopic),
  );
}

/** Counts what the run's enrichment produced: enriched records in Kafka, fleet-view points in InfluxDB. */
export async function countEnrichment(options: {
  admin: Admin;
  config: LoadedPipelineConfig;
  influx: InfluxAccess;
  before: Record<string, bigint>;
  registered: number;
  devicePrefix: string;
  sinceMs: number;
}): Promise<EnrichmentCounts> {
  const after = await endOffsets(options.admin, Object.keys(options.before));
  const enriched = Object.keys(options.before).reduce((n, t) => n + Number(after[t]! - options.before[t]!), 0);
  const fleetPoints: Record<string, number> = {};
  const prefix = options.devicePrefix.replace(/[^A-Za-z0-9_-]/g, '');
  for (const f of fleetTopics(options.config)) {
    const measurement = `${f.type}_${windowName(f.window)}_by_${f.by}`;
    const series = await influxql(
      options.influx,
      `SELECT count("count") FROM "${measurement}" WHERE time >= ${options.sinceMs}ms AND "${f.by}" =~ /^${prefix}-/`,
    );
    const row = series[0]?.values[0] ?? [];
    fleetPoints[measurement] = typeof row[1] === 'number' ? row[1] : 0;
  }
  return { enriched, registered: options.registered, fleetPoints };
}
