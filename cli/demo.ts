import type { Command } from 'commander';
import { runDemo } from '../demo/run-demo.js';
import { renderSummary } from '../demo/summary.js';
import { createLogger } from '../lib/runtime/log.js';

interface DemoFlags {
  seconds: string;
  devices: string;
  rate: string;
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

/** `iotp demo`: the main job (make demo runs it after bringing the stack up). */
export function registerDemoCommands(program: Command): void {
  program
    .command('demo')
    .description('run the whole pipeline on the local stack with a simulated device swarm, then summarise')
    .option('--seconds <s>', 'how long the swarm publishes', '60')
    // 2,000 readings/s is two thirds of what this 2-core machine sustains end to end with everything
    // on it (3,000/s, docs/BENCHMARKS.md "End to end"), so the demo shows the pipeline keeping up.
    .option('--devices <n>', 'simulated devices', '1000')
    .option('--rate <n>', 'total readings per second (2 per device and second: detectors warm up on 60)', '2000')
    .option('--anomaly-rate <n>', 'anomalies started per device per hour', '4')
    .option('--seed <n>', 'simulation seed', '7')
    .option('--idle-timeout <d>', 'streams idle timeout, so the last windows close after the swarm stops', '10s')
    .option('--drain-timeout <s>', 'longest wait for the pipeline to drain, in seconds', '240')
    .option('--json', 'print the summary as JSON')
    .action(async (flags: DemoFlags) => {
      const summary = await runDemo({
        seconds: positive('seconds', flags.seconds),
        devices: positive('devices', flags.devices),
        rate: positive('rate', flags.rate),
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
