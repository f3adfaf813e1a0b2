import type { SimulationSummary } from '../sim/run-simulation.js';

export interface DemoSummary {
  runDir: string;
  simulation: SimulationSummary;
  /** Readings Mosquitto acknowledged that are well-formed: what must reach Kafka and InfluxDB. */
  expectedRaw: number;
  inKafka: number;
  aggregated: number;
  inInflux: Record<string, number>;
  rawPoints: number;
  lost: number;
  duplicatesInKafka: number;
  deadLetters: Record<string, number>;
  anomalies: {
    injected: number;
    found: number;
    missed: number;
    extra: number;
    byKind: Record<string, { injected: number; found: number }>;
  };
  e2eLatency: { p50: number | undefined; p99: number | undefined };
  /** Metric names each worker exposed at the end of the run. */
  metricNames: Record<string, string[]>;
  influxUrl: string;
  influxDb: string;
}

const ms = (s: number | undefined) => (s === undefined ? 'n/a' : `${Math.round(s * 1000)} ms`);

/** The printed summary of `make demo`. */
export function renderSummary(s: DemoSummary): string {
  const sim = s.simulation;
  const lines = [
    '',
    '=== iotp demo summary ===',
    `devices                 ${sim.devices} (${sim.sites} sites, types ${sim.types.join(', ')}), ${sim.durationS} s at ${sim.rate} readings/s (achieved ${sim.achievedRate.toFixed(0)}/s)`,
    `readings published      ${sim.readings.sent} sent, ${sim.readings.acked} acked by Mosquitto (QoS ${sim.qos}), ${sim.readings.malformed} malformed on purpose`,
    `in Kafka (raw topics)   ${s.inKafka} records for ${s.expectedRaw} well-formed readings (${s.duplicatesInKafka} duplicates from at-least-once delivery)`,
    `aggregated              ${s.aggregated} window results (final, one per device, field set and window)`,
    `written to InfluxDB     ${Object.entries(s.inInflux)
      .map(([m, n]) => `${m}=${n}`)
      .join(', ')}`,
    `losses                  ${s.lost} (well-formed readings acked by Mosquitto but not in InfluxDB)`,
    `dead letters            ${
      Object.entries(s.deadLetters)
        .map(([r, n]) => `${r}=${n}`)
        .join(', ') || 'none'
    }`,
    `anomalies               injected ${s.anomalies.injected}, found ${s.anomalies.found}, missed ${s.anomalies.missed}, extra ${s.anomalies.extra}`,
    ...Object.entries(s.anomalies.byKind).map(([k, v]) => `  ${k.padEnd(21)} ${v.found}/${v.injected} found`),
    `end-to-end latency      p50 ${ms(s.e2eLatency.p50)}, p99 ${ms(s.e2eLatency.p99)} (reading event time -> InfluxDB accepted it)`,
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
