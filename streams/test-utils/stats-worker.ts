import type { TopologyModule } from '../runtime/kafka/run-topology.js';
import { statsTopology } from './stats-topology.js';

/**
 * The stats topology as a worker module for run-topology.ts (integration tests spawn it):
 * STATS_APP_ID, STATS_INPUT, STATS_OUTPUT, STATS_WINDOW_MS, STATS_GRACE_MS.
 */
const statsWorker: TopologyModule = (env) => ({
  applicationId: env.STATS_APP_ID ?? 'stats',
  topology: statsTopology({
    input: env.STATS_INPUT ?? 'stats.in',
    output: env.STATS_OUTPUT ?? 'stats.out',
    windowMs: Number(env.STATS_WINDOW_MS ?? 1_000),
    graceMs: Number(env.STATS_GRACE_MS ?? 0),
  }),
});

export default statsWorker;
