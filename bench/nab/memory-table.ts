/**
 * The combined detector's NAB score against the size of its vector memories: for each pair of
 * (shape memory, regime memory) the encoded state bytes and the NAB scores, as the mean over four
 * re-estimation phases (see phase-spread.ts) and the phase-0 run (the one `iotp bench nab` gives).
 * Everything else at the defaults.
 *
 *   node_modules/.bin/tsx bench/nab/memory-table.ts --data ../shared/nab/data --windows ../shared/nab/windows.json
 */
import { parseArgs } from 'node:util';
import { compositeDetector } from '../../streams/detectors/composite.js';
import { encodeCompositeState } from '../../streams/detectors/composite-codec.js';
import { parseCompositeConfig } from '../../streams/detectors/composite-config.js';
import { phaseSpread } from './phase-spread.js';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/nab/data' },
    windows: { type: 'string', default: '../shared/nab/windows.json' },
    sizes: { type: 'string', default: '64:128,128:256,256:256,256:512,512:512,1000:1000' },
  },
});
const base = parseCompositeConfig({});
const shape = base.shapes[0];
if (!shape || !base.regime) throw new Error('the defaults have a shape and a regime channel');
process.stdout.write(
  '| shape memory | regime memory | encoded bytes | standard (mean of 4 phases) | low FP | low FN | standard, phase 0 | tp / fp (phase 0) |\n|---|---|---|---|---|---|---|---|\n',
);
for (const pair of String(args.sizes).split(',')) {
  const [s, r] = pair.split(':').map(Number) as [number, number];
  const input = { ...base, shapes: [{ ...shape, memory: s }], regime: { ...base.regime, memory: r } };
  const bytes = encodeCompositeState(compositeDetector(input).init()).length;
  const spread = phaseSpread({ dataDir: String(args.data), windowsFile: String(args.windows) }, input, [0, 25, 50, 75]);
  const first = spread.runs[0];
  process.stdout.write(
    `| ${s} | ${r} | ${bytes.toLocaleString('en-US')} | ${spread.mean.standard.toFixed(2)} | ${spread.mean.reward_low_FP_rate.toFixed(2)} | ${spread.mean.reward_low_FN_rate.toFixed(2)} | ${first?.scores.standard.toFixed(2)} | ${first?.tp} / ${first?.fp} |\n`,
  );
}
