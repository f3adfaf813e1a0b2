import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import { GroupLagSnapshots } from '../kafka/group-lag-snapshot.js';
import type { Admin } from '../kafka/types.js';
import { METRIC } from './metric-names.js';

export interface LagReporterOptions {
  admin: Admin;
  groupId: string;
  /** The topics the worker consumes. */
  topics: string[];
  registry: Registry;
  log?: Logger;
  intervalMs?: number;
}

export interface LagReporter {
  /** One refresh now (the timer also calls it). */
  refresh(): Promise<void>;
  stop(): void;
}

/**
 * Exports the worker's consumer-group lag per topic and partition, in records
 * (`iotp_consumer_lag`) and estimated seconds (`iotp_consumer_lag_seconds`), refreshed on a timer
 * from the broker's committed and end offsets: what ops scale replicas on.
 */
export function startLagReporter(options: LagReporterOptions): LagReporter {
  const labelNames = ['group', 'topic', 'partition'] as const;
  const records = new Gauge({
    name: METRIC.consumerLag.name,
    help: METRIC.consumerLag.help,
    labelNames,
    registers: [options.registry],
  });
  const seconds = new Gauge({
    name: METRIC.consumerLagSeconds.name,
    help: METRIC.consumerLagSeconds.help,
    labelNames,
    registers: [options.registry],
  });
  const snapshots = new GroupLagSnapshots(options.admin);
  let running: Promise<void> | undefined;
  const refresh = async (): Promise<void> => {
    if (running) return running;
    running = (async () => {
      try {
        const rows = await snapshots.snapshot(options.groupId, options.topics);
        records.reset();
        seconds.reset();
        for (const row of rows) {
          const labels = { group: row.group, topic: row.topic, partition: String(row.partition) };
          records.set(labels, row.lag);
          if (row.lagSeconds !== undefined) seconds.set(labels, row.lagSeconds);
        }
      } catch (error) {
        options.log?.warn({ err: error, group: options.groupId }, 'could not read consumer lag');
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  const timer = setInterval(() => void refresh(), options.intervalMs ?? 5000);
  timer.unref();
  void refresh();
  return { refresh, stop: () => clearInterval(timer) };
}
