import { groupLag, type PartitionLag } from './lag.js';
import { LagTimeEstimator } from './lag-time.js';
import type { Admin } from './types.js';

/** One partition's lag in records and (once history exists) in seconds. */
export interface LagRow extends PartitionLag {
  group: string;
  lagSeconds: number | undefined;
}

/**
 * Reads groups' lag from the broker and estimates it in seconds from the high-watermark history it
 * keeps between calls (so the seconds appear from the second snapshot on). Used by `iotp lag` and
 * by every consuming worker's lag metrics.
 */
export class GroupLagSnapshots {
  private readonly estimator = new LagTimeEstimator();

  constructor(
    private readonly admin: Admin,
    private readonly now: () => number = Date.now,
  ) {}

  /** Lag of `groupId` on `topics`, or, with no topics, on every topic where the group committed. */
  async snapshot(groupId: string, topics?: string[]): Promise<LagRow[]> {
    const scope = topics ?? (await this.committedTopics(groupId));
    if (scope.length === 0) return [];
    const lags = await groupLag(this.admin, groupId, scope);
    const at = this.now();
    return lags.map((l) => {
      this.estimator.observe(l.topic, l.partition, l.high, at);
      const committed = l.committed === null ? undefined : l.committed;
      const lagSeconds =
        l.lag === 0
          ? 0
          : committed === undefined
            ? undefined
            : this.estimator.estimateSeconds(l.topic, l.partition, committed, at);
      return { ...l, group: groupId, lagSeconds };
    });
  }

  /** Every group's lag (internal topics and groups with no commits are left out). */
  async snapshotAll(): Promise<LagRow[]> {
    const groups = (await this.admin.listGroups()).sort();
    const rows: LagRow[] = [];
    for (const group of groups) rows.push(...(await this.snapshot(group)));
    return rows;
  }

  private async committedTopics(groupId: string): Promise<string[]> {
    const topics = (await this.admin.listTopics()).filter((t) => !t.startsWith('__'));
    const committed = await this.admin.committedOffsets(groupId, topics);
    return [...new Set(committed.map((c) => c.topic))].sort();
  }
}
