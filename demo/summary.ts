import type { SimulationSummary } from '../sim/run-simulation.js';
import type { AlarmScore } from '../sim/score-alarms.js';
import type { ArchiveCounts } from './archive-count.js';
import type { CommandRoundTrip } from './command-round-trip.js';
import type { EnrichmentCounts } from './enrich-demo.js';

export interface DemoSummary {
  runDir: string;
  simulation: SimulationSummary;
  /** Readings Mosquitto acknowledged that are well-formed: what must reach Kafka and InfluxDB. */
  expectedRaw: number;
  inKafka: number;
  aggregated: number;
  inInflux: Record<string, number>;
  rawPoints: number;
  /** The run's readings in the Parquet archive (`iotp sink parquet`), per raw topic view. */
  archived: ArchiveCounts;
  /** The enrichment with the device registry and the per-site / per-model views (enrich-demo.ts). */
  enrichment: EnrichmentCounts;
  lost: number;
  duplicatesInKafka: number;
  deadLetters: Record<string, number>;
  /** The pipeline's incidents scored against the injected anomalies (NAB-style windows). */
  detection: AlarmScore;
  /** The self-contained HTML report of the run (report.html in the run directory). */
  report: string;
  e2eLatency: { p50: number | undefined; p99: number | undefined };
  /** Metric names each worker exposed at the end of the run. */
  metricNames: Record<string, string[]>;
  influxUrl: string;
  influxDb: string;
  /** Commands sent to the run's devices through the MQTT sink, and their answers. */
  commands?: CommandRoundTrip;
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);
const hours = (ms: number) => `${(ms / 3_600_000).toFixed(1)} h`;
const seconds = (ms: number) => (ms >= 60_000 ? `${ms / 60_000} min` : `${ms / 1000} s`);

/** Recall per kind and overall, alarms per real anomaly, false alarms per 100 device-hours. */
function detectionLines(d: AlarmScore): string[] {
  const o = d.overall;
  return [
    `anomalies               ${o.injected} injected, ${o.detected} detected: recall ${pct(o.recall)}; ${o.alarms} incidents, ${o.alarmsPerDetected ?? 'n/a'} per detected anomaly`,
    `false alarms            ${o.falseAlarms} in ${Math.round(d.span.deviceHours)} device-hours scored: ${o.falseAlarmsPer100DeviceHours ?? 'n/a'} per 100 device-hours${
      Object.keys(d.falseAlarmsByKind).length > 0
        ? ` (${Object.entries(d.falseAlarmsByKind)
            .map(([k, n]) => `${k}=${n}`)
            .join(', ')})`
        : ''
    }`,
    ...Object.entries(d.byKind).map(
      ([k, v]) => `  ${k.padEnd(21)} ${v.detected}/${v.injected} detected (recall ${pct(v.recall)})`,
    ),
  ];
}

const ms = (s: number | undefined) => (s === undefined ? 'n/a' : `${Math.round(s * 1000)} ms`);

/** The printed summary of `make demo`. */
export function renderSummary(s: DemoSummary): string {
  const sim = s.simulation;
  const lines = [
    '',
    '=== iotp demo summary ===',
    `devices                 ${sim.devices} (${sim.sites} sites, types ${sim.types.join(', ')})`,
    ...(sim.history
      ? [
          `history                 ${hours(sim.history.endTs - sim.history.startTs)} of event time, one reading per ${seconds(sim.history.intervalMs)} per device: ${sim.history.readings.acked} readings at ${sim.history.achievedRate.toFixed(0)}/s`,
        ]
      : []),
    `live                    ${sim.durationS} s at ${sim.rate} readings/s (achieved ${sim.achievedRate.toFixed(0)}/s)`,
    `readings published      ${sim.readings.sent} sent, ${sim.readings.acked} acked by Mosquitto (QoS ${sim.qos}), ${sim.readings.malformed} malformed on purpose`,
    `in Kafka (raw topics)   ${s.inKafka} records for ${s.expectedRaw} well-formed readings (${s.duplicatesInKafka} duplicates from at-least-once delivery)`,
    `aggregated              ${s.aggregated} window results (final, one per device, field set and window)`,
    `written to InfluxDB     ${Object.entries(s.inInflux)
      .map(([m, n]) => `${m}=${n}`)
      .join(', ')}`,
    archiveLine(s),
    enrichmentLine(s),
    ...commandLines(s),
    `losses                  ${s.lost} (well-formed readings acked by Mosquitto but not in InfluxDB)`,
    `dead letters            ${
      Object.entries(s.deadLetters)
        .map(([r, n]) => `${r}=${n}`)
        .join(', ') || 'none'
    }`,
    ...detectionLines(s.detection),
    `end-to-end latency      p50 ${ms(s.e2eLatency.p50)}, p99 ${ms(s.e2eLatency.p99)} (live readings once the history backlog drained: event time -> InfluxDB accepted it)`,
    `report                  ${s.report} (open it in a browser: detection per kind, devices' series with alarms and injected anomalies)`,
    `run directory           ${s.runDir} (worker logs, truth.jsonl)`,
    '',
    'Try these InfluxQL queries:',
    `  curl -G ${s.influxUrl}/query -u "$INFLUX_USERNAME:$INFLUX_PASSWORD" --data-urlencode db=${s.influxDb} --data-urlencode q='SELECT mean(temperature) FROM environment WHERE time > now() - 10m GROUP BY time(1m), site'`,
    `  ... q='SELECT temperature_mean, temperature_min, temperature_max FROM environment_1m WHERE time > now() - 10m GROUP BY deviceId LIMIT 3'`,
    `  ... q='SELECT count(score) FROM anomalies WHERE time > now() - 1h GROUP BY kind, detector'`,
    '',
  ];
  return lines.join('\n');
}

function archiveLine(s: DemoSummary): string {
  const readings = Object.values(s.archived.readings).reduce((a, b) => a + b, 0);
  const rows = Object.values(s.archived.rows).reduce((a, b) => a + b, 0);
  const per = Object.entries(s.archived.readings)
    .map(([v, n]) => `${v}=${n}`)
    .join(', ');
  const verdict = readings === s.rawPoints ? 'equal to InfluxDB' : `InfluxDB has ${s.rawPoints}`;
  const late = s.archived.caughtUp ? '' : '; the archive had not caught up';
  return [
    `archived (Parquet)      ${per || 'none'} readings, ${rows} rows (${verdict}${late})`,
    `                        iotp archive query --root ${s.archived.root} "SELECT count(*) FROM environment"`,
  ].join('\n');
}

/** The command round trip: commands sent through the MQTT sink and the devices' answers back through the source. */
function commandLines(s: DemoSummary): string[] {
  const c = s.commands;
  if (!c) return [];
  const statuses = Object.entries(c.byStatus)
    .map(([k, n]) => `${k}=${n}`)
    .join(', ');
  return [
    `commands (round trip)   ${c.sent} sent, ${c.published} published by the MQTT sink (QoS 1), ${c.answered} answered by the devices (${statuses || 'none'}) in telemetry.commands.status; slowest ${c.maxRoundTripMs === undefined ? 'n/a' : `${c.maxRoundTripMs} ms`}`,
  ];
}

function enrichmentLine(s: DemoSummary): string {
  const e = s.enrichment;
  const views = Object.entries(e.fleetPoints)
    .map(([m, n]) => `${m}=${n}`)
    .join(', ');
  return [
    `enriched (registry)     ${e.enriched} records with site, model, firmware and tags (${e.registered} devices registered)`,
    `fleet views (InfluxDB)  ${views || 'none'} window results`,
  ].join('\n');
}
