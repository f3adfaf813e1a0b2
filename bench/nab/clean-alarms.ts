/**
 * False alarms of the combined detector on clean synthetic signals (a daily cycle, Gaussian noise
 * and a slow drift, one reading a minute for 30 days: nothing to find), for choosing the live
 * alert threshold. For each `alert.threshold` (which also sets the evidence the channels need,
 * see composite-settings.ts) the alarms the detector raises after its warm-up: in all, as one in
 * N records, and the most in one series. Deterministic (seeded series).
 *
 *   node_modules/.bin/tsx bench/nab/clean-alarms.ts [--series 20] [--days 30] [--thresholds 0.5,0.6,0.7]
 */
import { parseArgs } from 'node:util';
import { compositeDetector } from '../../streams/detectors/composite.js';
import { driftingDailySeries, seededRandom } from '../../streams/detectors/testing/synthetic-series.js';
import { cleanSignalVariety, countAlarms } from './clean-signals.js';

const { values: args } = parseArgs({
  options: {
    series: { type: 'string', default: '20' },
    days: { type: 'string', default: '30' },
    thresholds: { type: 'string', default: '0.5,0.55,0.6,0.65,0.7,0.75,0.8' },
  },
});
const variety = cleanSignalVariety(Number(args.series));
const series = variety.map((o, i) => driftingDailySeries({ ...o, days: Number(args.days) }, seededRandom(1000 + i)));
process.stdout.write(
  `${variety.length} clean series x ${Number(args.days)} days at one reading a minute (${series.reduce((n, s) => n + s.values.length, 0).toLocaleString('en-US')} records)\n`,
);
process.stdout.write(
  '| alert.threshold | alarms after warm-up | one in | most in one series | by channel |\n|---|---|---|---|---|\n',
);
for (const threshold of String(args.thresholds).split(',').map(Number)) {
  const report = countAlarms(() => compositeDetector({ alert: { threshold } }), series);
  const oneIn =
    report.alarms === 0
      ? `> ${report.records.toLocaleString('en-US')}`
      : Math.round(report.records / report.alarms).toLocaleString('en-US');
  process.stdout.write(
    `| ${threshold} | ${report.alarms} | ${oneIn} | ${report.worstSeries} | ${JSON.stringify(report.channels)} |\n`,
  );
}
