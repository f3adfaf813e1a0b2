import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { formatScores } from '../bench/nab/format-scores.js';
import { runNab } from '../bench/nab/run-nab.js';
import { scoreResults } from '../bench/nab/score-results.js';
import { loadPipelineConfig } from '../lib/config/index.js';
import { ConfigError } from '../lib/errors.js';
import { loadStackEnv } from '../lib/runtime/stack-env.js';
import { combinedConfig } from '../streams/detectors/combined-from-config.js';
import { compositeDetector } from '../streams/detectors/composite.js';
import type { CompositeConfig, CompositeConfigInput } from '../streams/detectors/composite-config.js';

interface NabOptions {
  data?: string;
  windows: string;
  out: string;
  name: string;
  scoreOnly?: boolean;
  config?: string;
  pipeline?: string;
  perFile?: boolean;
}

/** `iotp bench nab`: run the combined detector over a NAB-format corpus and score it, or score existing results. */
export function registerBenchCommands(program: Command): void {
  const bench = program.command('bench').description('benchmarks (figures go to docs/BENCHMARKS.md)');
  bench
    .command('nab')
    .description(
      'run the combined detector over NAB-format data (DIR/<category>/<file>.csv), write NAB results to OUT/<name>/ and print the standard, reward_low_FP_rate and reward_low_FN_rate scores',
    )
    .requiredOption('--windows <file>', "NAB's windows file (combined_windows.json)")
    .requiredOption('--out <dir>', 'results folder (OUT/<name>/<category>/<name>_<file>.csv)')
    .option('--data <dir>', 'NAB data folder (required unless --score-only)')
    .option('--name <name>', 'detector name in the results layout', 'iotp')
    .option('--score-only', 'only score the existing results in OUT/<name>/ (e.g. NAB reference results)')
    .option(
      '--pipeline <file>',
      'the pipeline YAML whose detectors: section builds the combined detector, as the detect topology does (default IOTP_CONFIG, else config/pipeline.yaml)',
    )
    .option('--config <file>', "combined-detector settings (YAML or JSON) instead of the pipeline's")
    .option('--per-file', 'also print the standard profile per file')
    .action((opts: NabOptions) => {
      if (opts.scoreOnly) {
        process.stdout.write(
          `${formatScores(opts.name, scoreResults(opts.out, opts.name, opts.windows), opts.perFile)}\n`,
        );
        return;
      }
      if (!opts.data) throw new ConfigError('--data', 'expected the NAB data folder (or --score-only)');
      // compositeDetector validates its input with the schema, so an unchecked file is safe to pass.
      const detector = compositeDetector(
        opts.config ? (readConfig(opts.config) as CompositeConfigInput) : pipelineCombined(opts.pipeline),
      );
      const run = runNab({
        dataDir: opts.data,
        windowsFile: opts.windows,
        outDir: opts.out,
        name: opts.name,
        detector,
        onFile: (key, i, total) => process.stderr.write(`\r[${i + 1}/${total}] ${key.padEnd(70)}`),
      });
      process.stderr.write('\n');
      const perRecord = (run.detectorMs * 1000) / run.records;
      process.stdout.write(
        `${formatScores(opts.name, run.scores, opts.perFile)}\n${run.files} files, ${run.records} records, detector ${perRecord.toFixed(2)} µs/record\n`,
      );
    });
}

/** The combined detector the detect topology runs with the pipeline YAML (its `detectors:` section). */
function pipelineCombined(file: string | undefined): CompositeConfig {
  const config = loadPipelineConfig({ file, env: loadStackEnv() });
  const c = combinedConfig(config.detectors);
  if (!c)
    throw new ConfigError(
      'detectors.combined.enabled',
      'expected true: the pipeline runs no combined detector to score',
    );
  process.stderr.write(`combined detector of ${config.source.file} (alert.threshold ${c.alert.threshold})\n`);
  return c;
}

function readConfig(path: string): unknown {
  const text = readFileSync(path, 'utf8');
  try {
    return path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw new ConfigError('--config', `expected a YAML or JSON file of combined-detector settings: ${path}`, { cause });
  }
}
