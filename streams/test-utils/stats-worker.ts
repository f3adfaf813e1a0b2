import { setTimeout as sleep } from 'node:timers/promises';
import type { TopologyModule } from '../runtime/kafka/run-topology.js';
import { type Serde, Serdes } from '../runtime/serde.js';
import { statsTopology } from './stats-topology.js';

/**
 * The input serde of a deliberately slow worker: JSON `{ value }`, each record answered after
 * `delayMs` (a timer, not CPU), so one replica falls behind a modest input rate and scaling tests
 * can watch lag build and drain. Test-only: nothing else is slowed.
 */
function slowJson(delayMs: number): Serde<{ value: number }> {
  const json = Serdes.json<{ value: number }>();
  return {
    serialize: (data, topic) => json.serialize(data, topic),
    deserialize: async (data, topic) => {
      await sleep(delayMs);
      return json.deserialize(data, topic);
    },
  };
}

/**
 * The stats topology as a worker module for run-topology.ts (integration tests spawn it):
 * STATS_APP_ID, STATS_INPUT, STATS_OUTPUT, STATS_WINDOW_MS, STATS_GRACE_MS, and (scaling tests only)
 * STATS_PROCESS_DELAY_MS: a wait per input record (default 0: none, the plain synchronous serde).
 */
const statsWorker: TopologyModule = (env) => {
  const delayMs = Number(env.STATS_PROCESS_DELAY_MS ?? 0);
  return {
    applicationId: env.STATS_APP_ID ?? 'stats',
    topology: statsTopology({
      input: env.STATS_INPUT ?? 'stats.in',
      output: env.STATS_OUTPUT ?? 'stats.out',
      windowMs: Number(env.STATS_WINDOW_MS ?? 1_000),
      graceMs: Number(env.STATS_GRACE_MS ?? 0),
      ...(delayMs > 0 ? { valueSerde: slowJson(delayMs) } : {}),
    }),
  };
};

export default statsWorker;
