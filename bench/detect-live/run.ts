/**
 * The demo's detection score offline: for each seed, the simulator's fleet (100 devices, 5 days of
 * history at one reading per 5 min, no anomaly in the first 2 days, 0.04 anomalies per
 * device-hour, every kind but MALFORMED) through the detect step's own logic (`applyDeviceEvent`
 * with the detectors of config/pipeline.yaml, heartbeat on, incidents), scored as the demo scores
 * (demo/detection.ts). Prints the demo summary's detection lines per seed and overall, the false
 * alarms by channel and the missed anomalies by kind and size.
 *
 *   node_modules/.bin/tsx bench/detect-live/run.ts [--seeds 7,1,2,3] [--devices 100] [--start-ts <ms>]
 *     [--config config/pipeline.yaml] [--list 20] [--compare <demo run dir>] [--json out.json]
 *     [--keep-detectors]
 *
 * `--compare DIR` (a demo run's directory: truth.jsonl, incidents.jsonl) scores that run's incidents
 * beside the harness's (one seed; `--start-ts` must be that run's history start). `--keep-detectors`
 * is a what-if: the detect step keeping the field detectors' states across a device's silence.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { IncidentRecord } from '../../demo/detection.js';
import { loadPipelineConfig } from '../../lib/config/index.js';
import { parseTruthLines } from '../../sim/ground-truth.js';
import type { AlarmScore, KindScore } from '../../sim/score-alarms.js';
import { parseCompositeConfig } from '../../streams/detectors/composite-config.js';
import { breakdown, type FalseAlarm, type MissedAnomaly } from './breakdown.js';
import { DEMO_DEFAULTS, type FleetRun, runFleet, scoreRun } from './fleet-run.js';
import { scoreDetectionOffline } from './score.js';

const { values: args } = parseArgs({
  options: {
    seeds: { type: 'string', default: '7,1,2,3' },
    devices: { type: 'string', default: String(DEMO_DEFAULTS.devices) },
    'start-ts': { type: 'string', default: String(Date.UTC(2026, 0, 5, 7, 13)) },
    config: { type: 'string' },
    list: { type: 'string', default: '0' },
    compare: { type: 'string' },
    json: { type: 'string' },
    'keep-detectors': { type: 'boolean', default: false },
  },
});

const WARMUP_RECORDS = parseCompositeConfig({}).alert.warmupRecords;
const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);
const out = (s = '') => process.stdout.write(`${s}\n`);

/** The demo summary's detection lines (demo/summary.ts). */
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

const KIND_ORDER = ['SPIKE', 'DIP', 'DRIFT', 'STUCK', 'NOISE_BURST', 'LEVEL_SHIFT', 'MISSING'];

function oneLine(d: AlarmScore): string {
  const kinds = KIND_ORDER.filter((k) => d.byKind[k])
    .map((k) => `${k} ${d.byKind[k]?.detected}/${d.byKind[k]?.injected}`)
    .join(', ');
  return `recall ${pct(d.overall.recall)} (${kinds}); FA ${d.overall.falseAlarms} = ${d.overall.falseAlarmsPer100DeviceHours}/100 dh`;
}

function sumScores(scores: AlarmScore[]): AlarmScore {
  const byKind: Record<string, KindScore> = {};
  const fak: Record<string, number> = {};
  let injected = 0;
  let detected = 0;
  let falseAlarms = 0;
  let alarms = 0;
  let inWindows = 0;
  let deviceHours = 0;
  for (const s of scores) {
    injected += s.overall.injected;
    detected += s.overall.detected;
    falseAlarms += s.overall.falseAlarms;
    alarms += s.overall.alarms;
    inWindows += s.overall.alarmsInWindows;
    deviceHours += s.span.deviceHours;
    for (const [k, v] of Object.entries(s.byKind)) {
      const t = byKind[k] ?? { injected: 0, detected: 0, recall: null, alarmsInWindows: 0, alarmsPerDetected: null };
      t.injected += v.injected;
      t.detected += v.detected;
      t.alarmsInWindows += v.alarmsInWindows;
      byKind[k] = t;
    }
    for (const [k, n] of Object.entries(s.falseAlarmsByKind)) fak[k] = (fak[k] ?? 0) + n;
  }
  const r = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);
  for (const k of Object.values(byKind)) {
    k.recall = r(k.detected, k.injected);
    k.alarmsPerDetected = r(k.alarmsInWindows, k.detected);
  }
  const first = scores[0] as AlarmScore;
  return {
    ...first,
    span: { ...first.span, deviceHours },
    overall: {
      injected,
      detected,
      recall: r(detected, injected),
      alarmsInWindows: inWindows,
      alarmsPerDetected: r(inWindows, detected),
      alarms,
      falseAlarms,
      falseAlarmsPer100DeviceHours: r(falseAlarms * 100, deviceHours),
      alarmsOutsideSpan: 0,
    },
    byKind,
    falseAlarmsByKind: fak,
    missed: [],
  };
}

function countBy<T>(items: readonly T[], key: (t: T) => string): string {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return [...m]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k}=${n}`)
    .join(', ');
}

function bucket(x: number, edges: number[]): string {
  if (!Number.isFinite(x)) return 'n/a';
  for (let i = 0; i < edges.length; i++)
    if (x < (edges[i] as number)) return i === 0 ? `<${edges[0]}` : `${edges[i - 1]}-${edges[i]}`;
  return `>=${edges[edges.length - 1]}`;
}

function printFalse(falseAlarms: FalseAlarm[]): void {
  out(`false alarms by channel: ${countBy(falseAlarms, (f) => f.record.detector) || 'none'}`);
  out(`  by field: ${countBy(falseAlarms, (f) => `${f.record.type}.${f.record.field || '-'}`) || 'none'}`);
  out(`  by day after warm-up: ${countBy(falseAlarms, (f) => `day${Math.floor(f.hoursIn / 24) + 1}`) || 'none'}`);
}

function printMissed(missed: MissedAnomaly[], list: number): void {
  out(`missed by kind: ${countBy(missed, (m) => m.truth.kind) || 'none'}`);
  const cold = missed.filter((m) => m.seen >= 0 && m.seen <= WARMUP_RECORDS);
  out(
    `  in the combined detector's warm-up (it started over after a silence): ${cold.length} (${countBy(cold, (m) => m.truth.kind)})`,
  );
  for (const kind of KIND_ORDER) {
    const ms = missed.filter((m) => m.truth.kind === kind);
    if (ms.length === 0) continue;
    const size =
      kind === 'SPIKE' || kind === 'DIP'
        ? `sigmas ${countBy(ms, (m) => bucket(m.sigmas, [10, 20, 50, 100]))}; beyond the day's range (ranges) ${countBy(ms, (m) => bucket(m.ranges, [0, 0.2, 0.4, 0.6]))}`
        : kind === 'NOISE_BURST'
          ? `factor ${countBy(ms, (m) => bucket(m.sigmas, [5, 6, 7]))}; sigma/range ${countBy(ms, (m) => bucket(m.ranges, [0.01, 0.03, 0.1]))}`
          : kind === 'STUCK'
            ? `readings ${countBy(ms, (m) => bucket(m.sigmas, [30, 40, 50]))}; sigma/range ${countBy(ms, (m) => bucket(m.ranges, [0.01, 0.03, 0.1]))}`
            : kind === 'MISSING'
              ? ''
              : `sigmas ${countBy(ms, (m) => bucket(m.sigmas, [10, 20, 50, 100]))}; ranges ${countBy(ms, (m) => bucket(m.ranges, [0.3, 0.5, 1]))}`;
    out(
      `  ${kind.padEnd(12)} ${ms.length}: ${size}; best score ${countBy(ms, (m) => bucket(m.maxScore, [0.3, 0.4, 0.5]))}; its channel ${countBy(ms, (m) => m.channel)}; by field ${countBy(ms, (m) => m.truth.field)}`,
    );
  }
  for (const m of missed.slice(0, list)) {
    const t = m.truth;
    out(
      `    ${t.deviceId} ${t.type}.${t.field} ${t.kind} rec ${m.record} seen ${m.seen} len ${t.readings} ${Number.isFinite(m.sigmas) ? m.sigmas.toFixed(1) : '-'} sig ${Number.isFinite(m.ranges) ? m.ranges.toFixed(2) : '-'} rng; value ${t.value ?? t.offset ?? ''} expected ${t.expected ?? ''} day ${t.dailyLow}..${t.dailyHigh} sigma ${t.sigma}; best ${m.maxScore.toFixed(3)} ${m.channel}`,
    );
  }
}

const config = loadPipelineConfig({ env: {}, ...(args.config ? { file: args.config } : {}) });
const seeds = (args.seeds as string).split(',').map(Number);
const list = Number(args.list);
const startTs = Number(args['start-ts']);
const scores: AlarmScore[] = [];
const allFalse: FalseAlarm[] = [];
const allMissed: MissedAnomaly[] = [];
const started = performance.now();
let lastRun: FleetRun | undefined;
for (const seed of seeds) {
  const run = runFleet({
    ...DEMO_DEFAULTS,
    devices: Number(args.devices),
    seed,
    startTs,
    config,
    keepDetectorsAfterSilence: args['keep-detectors'] === true,
  });
  lastRun = run;
  const score = scoreRun(run);
  scores.push(score);
  const { falseAlarms, missed } = breakdown(run, score.span);
  allFalse.push(...falseAlarms);
  allMissed.push(...missed);
  out(`\n=== seed ${seed} (${run.options.devices} devices, start ${new Date(run.startTs).toISOString()}) ===`);
  for (const l of detectionLines(score)) out(l);
  printFalse(falseAlarms);
  printMissed(missed, list);
}
const total = sumScores(scores);
out(`\n=== overall, seeds ${seeds.join(',')} ===`);
for (const l of detectionLines(total)) out(l);
printFalse(allFalse);
printMissed(allMissed, 0);
out('\nper seed:');
seeds.forEach((s, i) => {
  out(`  seed ${s}: ${oneLine(scores[i] as AlarmScore)}`);
});
out(`  overall: ${oneLine(total)}`);
out(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);

if (args.compare && lastRun) {
  const dir = args.compare;
  const truth = parseTruthLines(readFileSync(join(dir, 'truth.jsonl'), 'utf8'));
  const incidents = readFileSync(join(dir, 'incidents.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as IncidentRecord);
  const prefixes = new Set(truth.map((t) => t.deviceId.replace(/-\d+$/, '-')));
  const prefix = [...prefixes][0] ?? '';
  const span = { startTs: lastRun.startTs, endTs: lastRun.endTs };
  const demo = scoreDetectionOffline(
    truth,
    incidents,
    {
      ...span,
      devices: lastRun.options.devices,
      intervalMs: lastRun.options.intervalMs,
      warmupMs: lastRun.options.warmupMs,
    },
    prefix,
  );
  out(`\n=== compare with the demo run ${dir} (prefix ${prefix}) ===`);
  for (const l of detectionLines(demo)) out(l);
  const norm = (id: string) => id.replace(/^.*-(\d+)$/, '$1');
  const sameTruth = (a: { deviceId: string; field: string; kind: string; startTs: number }) =>
    `${norm(a.deviceId)}/${a.field}/${a.kind}/${a.startTs}`;
  const ours = new Set(lastRun.truth.map(sameTruth));
  const theirs = truth.filter((t) => t.kind !== 'MALFORMED');
  out(
    `truth: ${theirs.filter((t) => ours.has(sameTruth(t))).length} of the demo's ${theirs.length} non-MALFORMED anomalies are the harness's too (harness: ${lastRun.truth.length})`,
  );
  const key = (r: IncidentRecord & { detector?: string }) => `${norm(r.deviceId)}/${r.field}/${r.kind}/${r.ts}`;
  const inSpan = (r: IncidentRecord) => r.status === 'OPEN' && r.ts >= span.startTs && r.ts <= span.endTs;
  const mine = new Set(lastRun.records.filter(inSpan).map(key));
  const demoOpen = incidents.filter((r) => r.deviceId.startsWith(prefix) && inSpan(r));
  const common = demoOpen.filter((r) => mine.has(key(r))).length;
  out(`OPEN incidents: demo ${demoOpen.length}, harness ${mine.size}, identical (device, field, kind, ts) ${common}`);
}
if (args.json) writeFileSync(args.json, `${JSON.stringify({ seeds, scores, total }, null, 1)}\n`);
