/**
 * False alarms of the combined detector on clean synthetic signals (a daily cycle, Gaussian noise
 * and a slow drift, one reading a minute for 30 days: nothing to find), for choosing the live
 * alert threshold. For each threshold: the records after the warm-up that score at least that
 * much, as a fraction and as "one in N records", and the most any one series had. Deterministic
 * (seeded series).
 *
 *   node_modules/.bin/tsx bench/nab/clean-alarms.ts [--series 20] [--days 30] [--config file.json]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { compositeDetector } from '../../streams/detectors/composite.js';
import { type CompositeConfigInput, parseCompositeConfig } from '../../streams/detectors/composite-config.js';
import { driftingDailySeries, seededRandom } from '../../streams/detectors/testing/synthetic-series.js';
import { cleanSignalVariety, countAlarms } from './clean-signals.js';

const { values: args } = parseArgs({
  options: {
    series: { type: 'string', default: '20' },
    days: { type: 'string', default: '30' },
    config: { type: 'string' },
  },
});
const input = (args.config ? JSON.parse(readFileSync(args.config, 'utf8')) : {}) as CompositeConfigInput;
const config = parseCompositeConfig(input);
const thresholds = [0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9];
const variety = cleanSignalVariety(Number(args.series));
const report = countAlarms(
  () => compositeDetector(config),
  variety.map((o, i) => driftingDailySeries({ ...o, days: Number(args.days) }, seededRandom(1000 + i))),
  thresholds,
  config.alert.warmupRecords,
);
process.stdout.write(
  `${variety.length} clean series x ${Number(args.days)} days at one reading a minute: ${report.records.toLocaleString('en-US')} records after a warm-up of ${config.alert.warmupRecords}\n`,
);
process.stdout.write(
  '| threshold | records >= threshold | fraction | one in | most in one series |\n|---|---|---|---|---|\n',
);
for (const row of report.rows) {
  const oneIn =
    row.count === 0
      ? `> ${report.records.toLocaleString('en-US')}`
      : Math.round(report.records / row.count).toLocaleString('en-US');
  process.stdout.write(
    `| ${row.threshold} | ${row.count} | ${(row.count / report.records).toExponential(2)} | ${oneIn} | ${row.worstSeries} |\n`,
  );
}
process.stdout.write(`channels behind the records >= ${thresholds[0]}: ${JSON.stringify(report.channels)}\n`);
