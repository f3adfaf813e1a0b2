/**
 * Detector cost: CPU microseconds per record per field for each detector, on seeded synthetic
 * series (a daily cycle with noise, 20 000 readings) and, with `--data DIR`, on a NAB corpus.
 * Best of `--reps` runs (default 5), CPU time of this process (so other jobs on the machine inflate
 * it less than wall time would).
 *
 *   node_modules/.bin/tsx bench/nab/cost.ts [--data ../shared/nab/data] [--reps 5]
 */
import { parseArgs } from 'node:util';
import { compositeDetector } from '../../streams/detectors/composite.js';
import { levelShift } from '../../streams/detectors/level-shift.js';
import { outOfRange } from '../../streams/detectors/out-of-range.js';
import { spikeDip } from '../../streams/detectors/spike-dip.js';
import { encodeDetectorState } from '../../streams/detectors/state-codec.js';
import { stuckDetector } from '../../streams/detectors/stuck.js';
import { dailySeries, type SyntheticSeries, seededRandom } from '../../streams/detectors/testing/synthetic-series.js';
import type { Detector } from '../../streams/detectors/types.js';
import { listNabKeys, readNabSeries } from './data-file.js';

const { values: args } = parseArgs({ options: { data: { type: 'string' }, reps: { type: 'string', default: '5' } } });
const reps = Number(args.reps);

const detectors: [string, () => Detector<unknown>][] = [
  ['combined (NAB configuration)', () => compositeDetector() as Detector<unknown>],
  ['spike-dip (history 120)', () => spikeDip({ history: 120 }) as Detector<unknown>],
  ['level-shift (window 30)', () => levelShift({ window: 30 }) as Detector<unknown>],
  ['stuck', () => stuckDetector() as Detector<unknown>],
  ['out-of-range', () => outOfRange({ min: -40, max: 85 }) as Detector<unknown>],
];

function cpuMicros(): number {
  return process.cpuUsage().user + process.cpuUsage().system;
}

function measure(make: () => Detector<unknown>, corpus: SyntheticSeries[]): { us: number; stateBytes: number } {
  let best = Number.POSITIVE_INFINITY;
  let stateBytes = 0;
  const records = corpus.reduce((n, s) => n + s.values.length, 0);
  for (let r = 0; r < reps; r++) {
    const d = make();
    const started = cpuMicros();
    for (const s of corpus) {
      const state = d.init();
      for (let i = 0; i < s.values.length; i++) d.update(state, s.timestamps[i] as number, s.values[i] as number);
      if (r === 0) stateBytes = Math.max(stateBytes, encodeDetectorState(state).length);
    }
    best = Math.min(best, (cpuMicros() - started) / records);
  }
  return { us: best, stateBytes };
}

const corpora: [string, SyntheticSeries[]][] = [
  ['synthetic', [dailySeries({ days: 70, perDay: 288, noise: 1 }, seededRandom(1))]],
];
if (args.data) {
  const dir = args.data;
  corpora.push([
    'NAB',
    listNabKeys(dir).map((k) => {
      const s = readNabSeries(dir, k);
      return { timestamps: s.timestamps, values: Array.from(s.values) };
    }),
  ]);
}
for (const [corpus, series] of corpora) {
  const records = series.reduce((n, s) => n + s.values.length, 0);
  process.stdout.write(`\n${corpus}: ${series.length} series, ${records} records, best of ${reps}\n`);
  process.stdout.write('| detector | µs/record/field | max state (encoded bytes) |\n|---|---|---|\n');
  for (const [name, make] of detectors) {
    const { us, stateBytes } = measure(make, series);
    process.stdout.write(`| ${name} | ${us.toFixed(2)} | ${stateBytes.toLocaleString('en-US')} |\n`);
  }
}
