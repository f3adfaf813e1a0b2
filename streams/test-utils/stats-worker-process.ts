import { type ChildWorker, freePort, spawnTsx } from '../../test/helpers/child-process.js';

/**
 * The stats topology's worker (stats-worker.ts) as a child process, for kill -9, rebalance and
 * scaling tests. `env` adds STATS_* and IOTP_STREAMS__* settings; by default tasks commit every
 * 100 ms and the idle rule is off (what these tests were written for). /metrics on a free port.
 *
 * @example
 *   const w = await startStatsWorker({ STATS_APP_ID: app, STATS_INPUT: input, STATS_OUTPUT: output });
 *   expect(await w.waitReady(60_000)).toBe(true);
 */
export async function startStatsWorker(env: Record<string, string>): Promise<ChildWorker> {
  return spawnTsx('streams/test-utils/stats-worker.ts', [], {
    env: {
      METRICS_PORT: String(await freePort()),
      IOTP_STREAMS__COMMIT_INTERVAL: '100ms',
      IOTP_STREAMS__IDLE_TIMEOUT: '0',
      ...env,
    },
  });
}
