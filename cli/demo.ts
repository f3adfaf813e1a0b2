import type { Command } from 'commander';
import { runDemo } from '../demo/run-demo.js';
import { renderSummary } from '../demo/summary.js';
import { createLogger } from '../lib/runtime/log.js';

interface DemoFlags {
  history: string;
  interval: string;
  anomalyWarmup: string;
  seconds: string;
  devices: string;
  rate?: string;
  anomalyRate: string;
  seed: string;
  idleTimeout: string;
  drainTimeout: string;
  json?: boolean;
}

function positive(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name}: expected a positive number, got "${value}"`);
  return n;
}

/** Readings per second when every device reports once per history interval. */
function devicesPerSecond(flags: DemoFlags): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)$/.exec(flags.interval);
  if (!m) throw new Error(`--interval: expected a duration such as 5m or 30s, got "${flags.interval}"`);
  const seconds = Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'];
  return positive('devices', flags.devices) / seconds;
}

/** `iotp demo`: the main job (make demo runs it after bringing the stack up). */
export function registerDemoCommands(program: Command): void {
  program
    .command('demo')
    .description('run the whole pipeline on the local stack with a simulated device swarm, then summarise')
    // History first, as fast as the pipeline takes it, so the detectors are warm when the live part starts.
    .option('--history <d>', 'event time published first, per device (e.g. 5d, 12h; at most 6d)', '5d')
    // One reading per 5 minutes: the cadence of most NAB series, and 5 days teach the daily profile.
    .option('--interval <d>', 'one history reading per device every <d>', '5m')
    .option(
      '--anomaly-warmup <d>',
      "no anomaly in the history's first <d> (the detectors' warm-up: 600 readings)",
      '2d',
    )
    .option('--seconds <s>', 'how long the live part publishes', '90')
    .option('--devices <n>', 'simulated devices', '100')
    .option(
      '--rate <n>',
      'live readings per second, all devices together (default: each device at the history interval, as real devices go on)',
    )
    .option('--anomaly-rate <n>', 'anomalies started per device per hour of event time', '0.04')
    .option('--seed <n>', 'simulation seed', '7')
    .option('--idle-timeout <d>', 'streams idle timeout, so the last windows close after the swarm stops', '10s')
    .option('--drain-timeout <s>', 'longest wait for the pipeline to drain, in seconds', '240')
    .option('--json', 'print the summary as JSON')
    .action(async (flags: DemoFlags) => {
      const summary = await runDemo({
        history: flags.history,
        interval: flags.interval,
        anomalyWarmup: flags.anomalyWarmup,
        seconds: positive('seconds', flags.seconds),
        devices: positive('devices', flags.devices),
        // Live at the history's cadence by default: a device reporting 600x faster live than in its
        // history is another signal to its detectors (regime and shape novelty over records).
        rate: flags.rate === undefined ? devicesPerSecond(flags) : positive('rate', flags.rate),
        anomalyRate: Number(flags.anomalyRate),
        seed: Number(flags.seed),
        idleTimeout: flags.idleTimeout,
        drainTimeoutMs: positive('drain-timeout', flags.drainTimeout) * 1000,
        log: createLogger('demo'),
      });
      process.stdout.write(flags.json ? `${JSON.stringify(summary)}\n` : renderSummary(summary));
      if (summary.lost > 0) process.exitCode = 1;
    });
}
