import type { UnplannedExit } from './chaos-workers.js';
import type { FaultRecord } from './execute-plan.js';
import type { FaultImpact } from './fault-impact.js';
import type { LagSample } from './lag-sampler.js';
import type { LoadSpec } from './load.js';
import type { PlanName } from './plan.js';
import type { RunVerdicts } from './verify-run.js';
import { windowStepPasses } from './verify-windows.js';

export interface ChaosReport {
  plan: PlanName;
  startedAt: string;
  command: string;
  load: LoadSpec & { achievedRate: number; acked: number; sent: number; errors: number; reconnects: number };
  /** Lag (records) under which a group counts as recovered. */
  recoverThreshold: number;
  baselineLag: Record<string, number>;
  faults: Array<FaultRecord & Omit<FaultImpact, keyof FaultRecord | 'name' | 'at' | 'restoredAt'>>;
  unplannedExits: UnplannedExit[];
  drained: boolean;
  verdicts: RunVerdicts;
  /** mosquitto-kill9: the loss bound the plan checks (readings), from autosave_interval. */
  lossBound?: { autosaveIntervalS: number; readings: number; lostPerFault: Record<string, number> };
  pass: boolean;
  failures: string[];
  samples: LagSample[];
  runDir: string;
}

/** Why the run fails ([] = it passes). Zero-loss plans: nothing lost, nothing doubled, every window exact, every anomaly unique. */
export function failuresOf(r: Omit<ChaosReport, 'pass' | 'failures'>, expectLoss: boolean): string[] {
  const f: string[] = [];
  const { readings, windows, anomalies } = r.verdicts;
  if (r.load.errors > 0 || r.load.acked !== r.load.sent)
    f.push(`the simulator had ${r.load.errors} publish errors (${r.load.sent - r.load.acked} readings not acked)`);
  if (expectLoss) {
    if (r.lossBound && readings.influx.lost > r.lossBound.readings)
      f.push(`lost ${readings.influx.lost} readings, more than the bound ${r.lossBound.readings}`);
  } else if (readings.influx.lost > 0) f.push(`${readings.influx.lost} acked readings not in InfluxDB`);
  if (readings.influx.doubled > 0) f.push(`${readings.influx.doubled} readings twice in InfluxDB`);
  if (readings.influx.wrongValues > 0) f.push(`${readings.influx.wrongValues} InfluxDB points with other values`);
  if (readings.influx.unexpected > 0) f.push(`${readings.influx.unexpected} InfluxDB points no acked reading explains`);
  for (const w of windows)
    if (!windowStepPasses(w))
      f.push(
        `${w.step}: ${w.missing} missing, ${w.repeated} repeated, ${w.mismatched} differ from the reference (${w.explainedByKafkaCopies} of them = the reference with Kafka's duplicate readings counted), ${w.unexpected} unexpected`,
      );
  if (anomalies.repeated > 0) f.push(`${anomalies.repeated} anomaly records repeated`);
  if (!r.drained) f.push('the pipeline did not drain');
  for (const x of r.faults) if (x.error) f.push(`fault "${x.name}" could not be carried out: ${x.error}`);
  return f;
}

const pad = (s: string | number, n: number) => String(s).padEnd(n);

/** The report as text: the faults table, then the verdicts. */
export function reportText(r: ChaosReport): string {
  const groups = [...new Set(r.faults.flatMap((x) => Object.keys(x.maxLag)))].sort();
  const lines: string[] = [];
  lines.push(`chaos plan '${r.plan}' (${r.startedAt}): ${r.command}`);
  lines.push(
    `load: ${r.load.devices} devices with their own MQTT credentials, ${r.load.rate} readings/s for ${r.load.seconds} s (published ${r.load.achievedRate}/s, ${r.load.acked} acked, ${r.load.errors} errors, ${r.load.reconnects} reconnects)`,
  );
  lines.push(
    `baseline lag before the first fault: ${fmtLag(r.baselineLag)}; recovered = every group under ${r.recoverThreshold} records for 3 s`,
  );
  lines.push('');
  lines.push(
    `| fault | at (s) | back at (s) | max lag (${groups.join(' / ')}) | unreadable (s) | recovered after (s) |`,
  );
  lines.push('|---|---|---|---|---|---|');
  for (const x of r.faults)
    lines.push(
      `| ${x.name} | ${x.at} | ${x.restoredAt ?? '-'} | ${groups.map((g) => x.maxLag[g] ?? '-').join(' / ')} | ${x.unreadableS} | ${x.recoverS ?? 'not before the next fault'} |`,
    );
  for (const x of r.faults) {
    const ready = Object.entries(x.readyAfterS).map(([w, s]) => `${w} ready after ${s} s`);
    const notes = [...x.notes, ...ready];
    if (notes.length || x.error)
      lines.push(`- ${x.name}: ${[...notes, ...(x.error ? [`ERROR ${x.error}`] : [])].join('; ')}`);
  }
  const unplanned = new Map<string, string[]>();
  for (const u of r.unplannedExits) {
    const key = `${u.reason === 'hung' ? 'hung (alive, /healthz gone; killed -9 by the watchdog)' : 'exited on its own'}: ${u.worker}`;
    unplanned.set(key, [...(unplanned.get(key) ?? []), new Date(u.atMs).toISOString().slice(11, 19)]);
  }
  for (const [what, at] of unplanned)
    lines.push(`- UNPLANNED ${what}, restarted; ${at.length}x at ${at.join(', ')} UTC`);
  const { readings, windows, anomalies } = r.verdicts;
  lines.push('');
  lines.push(
    `readings: ${readings.acked} acked; InfluxDB ${readings.influx.points} points: lost ${readings.influx.lost}, doubled ${readings.influx.doubled}, wrong values ${readings.influx.wrongValues}, unexpected ${readings.influx.unexpected}`,
  );
  lines.push(
    `Kafka (at-least-once path): ${readings.kafka.records} records, ${readings.kafka.unique} unique, ${readings.kafka.duplicates} duplicates, ${readings.kafka.missing} acked readings missing`,
  );
  lines.push('');
  lines.push(
    `| window step | must exist | results | exact | missing | repeated | differ (= Kafka copies) | unexpected | open | declared late (late records) |`,
  );
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const w of windows)
    lines.push(
      `| ${pad(w.step, 18)} | ${w.mustExist} | ${w.results} | ${w.exact} | ${w.missing} | ${w.repeated} | ${w.mismatched} (${w.explainedByKafkaCopies}) | ${w.unexpected} | ${w.open} | ${w.declaredLate} (${w.lateRecords}) |`,
    );
  lines.push('');
  lines.push(
    `anomalies: ${anomalies.records} records, ${anomalies.unique} unique, ${anomalies.repeated} repeated (${fmtLag(anomalies.byKindStatus)})`,
  );
  lines.push(`dead letters of the run's devices: ${fmtLag(r.verdicts.deadLetters)}`);
  if (r.lossBound)
    lines.push(
      `Mosquitto kill -9: autosave_interval ${r.lossBound.autosaveIntervalS} s -> bound ${r.lossBound.readings} readings (rate x interval); lost per fault: ${fmtLag(r.lossBound.lostPerFault)}`,
    );
  const examples = [...readings.influx.examples, ...windows.flatMap((w) => w.examples), ...anomalies.examples];
  if (examples.length) lines.push('', 'examples:', ...examples.slice(0, 20).map((e) => `  ${e}`));
  lines.push('', r.pass ? 'PASS' : `FAIL: ${r.failures.join('; ')}`, `run dir: ${r.runDir}`);
  return `${lines.join('\n')}\n`;
}

function fmtLag(lag: Record<string, number>): string {
  const e = Object.entries(lag);
  return e.length ? e.map(([k, v]) => `${k} ${v}`).join(', ') : 'none';
}
