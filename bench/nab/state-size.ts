/**
 * Memory of the combined detector's state per series: encoded bytes (what a keyed store and its
 * changelog hold) and in-memory bytes (V8 heap plus typed-array backing stores, measured over
 * 20,000 warm states after a forced GC), for the default configuration or a given one. Run with
 * --expose-gc:
 *
 *   node --expose-gc --import tsx bench/nab/state-size.ts [--config file.json] [--states 20000]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type CompositeState, compositeDetector } from '../../streams/detectors/composite.js';
import { decodeCompositeState, encodeCompositeState } from '../../streams/detectors/composite-codec.js';
import { decodeDetectorState, encodeDetectorState } from '../../streams/detectors/state-codec.js';
import { dailySeries, seededRandom } from '../../streams/detectors/testing/synthetic-series.js';

const { values: args } = parseArgs({
  options: { config: { type: 'string' }, states: { type: 'string', default: '20000' } },
});
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const d = compositeDetector(args.config ? JSON.parse(readFileSync(args.config, 'utf8')) : {});
// A warm state: two weeks of a noisy daily cycle (every memory full).
const series = dailySeries({ days: 14, perDay: 288, noise: 1 }, seededRandom(1));
const warm = d.init();
series.values.forEach((v, i) => {
  d.update(warm, series.timestamps[i] as number, v);
});
const bytes = encodeCompositeState(warm);
const inJsonBytes = encodeDetectorState({ fields: { value: { combined: warm } } });
const inJson = inJsonBytes.length;
/** Microseconds per call of `fn`, best of three rounds of `n` calls. */
function micros(n: number, fn: () => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    for (let i = 0; i < n; i++) fn();
    best = Math.min(best, ((performance.now() - started) * 1000) / n);
  }
  return best;
}
const decodeBinary = micros(5000, () => decodeCompositeState(bytes));
const decodeJson = micros(2000, () => decodeDetectorState(inJsonBytes));
const encodeBinary = micros(5000, () => encodeCompositeState(warm));

const count = Number(args.states);
const settle = () => {
  gc();
  gc();
  const u = process.memoryUsage();
  return u.heapUsed + u.arrayBuffers;
};
const before = settle();
const held: CompositeState[] = [];
for (let i = 0; i < count; i++) held.push(decodeCompositeState(bytes));
const after = settle();
const perState = (after - before) / count;
process.stdout.write(
  `combined-detector state: f ${warm.f.length} float64, m ${warm.m.length} int16, b ${warm.b.length} int8\n` +
    `encoded (composite-codec): ${bytes.length.toLocaleString('en-US')} bytes; inside a JSON device state (base64): ${inJson.toLocaleString('en-US')} bytes\n` +
    `in memory: ${Math.round(perState).toLocaleString('en-US')} bytes a state (${count.toLocaleString('en-US')} states held, heap + array buffers)\n` +
    `100,000 series: ${((perState * 100_000) / 2 ** 30).toFixed(2)} GiB in memory, ${((bytes.length * 100_000) / 2 ** 20).toFixed(0)} MiB to restore (${((inJson * 100_000) / 2 ** 20).toFixed(0)} MiB as JSON device states)\n` +
    `encode ${encodeBinary.toFixed(1)} µs, decode ${decodeBinary.toFixed(1)} µs (binary), ${decodeJson.toFixed(1)} µs (inside a JSON device state): ${((decodeJson * 100_000) / 1e6).toFixed(1)} s of CPU to decode 100,000\n`,
);
if (held.length !== count) throw new Error('unreachable');
