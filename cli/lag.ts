import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { GroupLagSnapshots } from '../lib/kafka/group-lag-snapshot.js';
import { commandContext } from './command-context.js';
import { renderLagTable } from './lag-table.js';

interface LagOptions {
  config?: string;
  group?: string;
  watch?: string | boolean;
  json?: boolean;
}

/** `iotp lag`: consumer lag of every group (or one), in records and estimated seconds. */
export function registerLagCommands(program: Command): void {
  program
    .command('lag')
    .description('consumer lag per group, topic and partition (records, and seconds once --watch has history)')
    .option('-c, --config <file>', 'pipeline YAML (its kafka: section); default $IOTP_CONFIG or config/pipeline.yaml')
    .option('-g, --group <id>', 'only this consumer group')
    .option('-w, --watch [seconds]', 'refresh every N seconds (default 5) until interrupted')
    .option('--json', 'print JSON rows instead of a table')
    .action(async (opts: LagOptions) => {
      const ctx = commandContext('lag', opts.config);
      const admin = ctx.kafka('lag').admin();
      await ctx.run(() => admin.connect());
      const snapshots = new GroupLagSnapshots(admin);
      const interval =
        opts.watch === undefined || opts.watch === false ? 0 : Number(opts.watch === true ? 5 : opts.watch);
      if (Number.isNaN(interval) || interval < 0)
        throw new Error(`--watch: expected a number of seconds, got "${opts.watch}"`);
      let stop = false;
      process.once('SIGINT', () => {
        stop = true;
      });
      try {
        do {
          const rows = await ctx.run(() => (opts.group ? snapshots.snapshot(opts.group) : snapshots.snapshotAll()));
          if (opts.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
          else {
            if (interval > 0 && process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
            if (interval > 0) process.stdout.write(`${new Date().toISOString()}\n`);
            process.stdout.write(renderLagTable(rows));
          }
          if (interval > 0) await sleep(interval * 1000);
        } while (interval > 0 && !stop);
      } finally {
        await admin.disconnect();
      }
    });
}
