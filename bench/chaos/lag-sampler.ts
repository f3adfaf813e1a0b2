import { setTimeout as sleep } from 'node:timers/promises';
import { GroupLagSnapshots } from '../../lib/kafka/group-lag-snapshot.js';
import type { Admin } from '../../lib/kafka/types.js';

/** One second's lag: records behind per group (and `mqtt`, readings Mosquitto acked that are not in Kafka yet); null = could not be read (Kafka down). */
export interface LagSample {
  /** Seconds since the load started. */
  t: number;
  lag: Record<string, number | null>;
}

export interface LagSamplerOptions {
  admin: Admin;
  /** Consumer group -> the topics it reads. */
  groups: Record<string, string[]>;
  /** The reading topics (the MQTT source's output). */
  rawTopics: string[];
  /** Readings Mosquitto acknowledged so far (the simulator's progress); undefined: no mqtt figure. */
  acked(): number | undefined;
  /** Ms epoch of t = 0. */
  t0: number;
  everyMs?: number;
  /** A snapshot that takes longer counts as unreadable. */
  timeoutMs?: number;
}

/**
 * Samples every group's consumer lag once a second (GroupLagSnapshots, the `iotp lag` code) and
 * the MQTT side's backlog: readings acked by Mosquitto minus records the source wrote to the
 * reading topics since the start (duplicates in Kafka make this an underestimate).
 */
export class LagSampler {
  readonly samples: LagSample[] = [];
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly snapshots: GroupLagSnapshots;
  private rawBase: number | undefined;

  constructor(private readonly options: LagSamplerOptions) {
    this.snapshots = new GroupLagSnapshots(options.admin);
  }

  async start(): Promise<void> {
    this.rawBase = await this.rawRecords();
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** The latest sample (undefined before the first). */
  latest(): LagSample | undefined {
    return this.samples[this.samples.length - 1];
  }

  private async run(): Promise<void> {
    const every = this.options.everyMs ?? 1000;
    while (this.running) {
      const started = Date.now();
      this.samples.push(await this.sample());
      await sleep(Math.max(0, every - (Date.now() - started)));
    }
  }

  private async sample(): Promise<LagSample> {
    const t = (Date.now() - this.options.t0) / 1000;
    const lag: Record<string, number | null> = {};
    const timeout = this.options.timeoutMs ?? 2500;
    const within = <T>(p: Promise<T>): Promise<T | null> =>
      Promise.race([p.catch(() => null), sleep(timeout).then(() => null)]);
    await Promise.all(
      Object.entries(this.options.groups).map(async ([group, topics]) => {
        const rows = await within(this.snapshots.snapshot(group, topics));
        lag[group] = rows === null ? null : rows.reduce((s, r) => s + r.lag, 0);
      }),
    );
    const acked = this.options.acked();
    if (acked !== undefined && this.rawBase !== undefined) {
      const raw = await within(this.rawRecords());
      lag.mqtt = raw === null ? null : Math.max(0, acked - (raw - this.rawBase));
    }
    return { t, lag };
  }

  private async rawRecords(): Promise<number> {
    let n = 0;
    for (const topic of this.options.rawTopics)
      for (const p of await this.options.admin.topicOffsets(topic)) n += Number(p.high);
    return n;
  }
}
