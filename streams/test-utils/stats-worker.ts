/**
 * The stats topology as a streams worker process (integration tests spawn it to kill -9 it):
 *
 *   node --import <tsx loader> streams/test-utils/stats-worker.ts
 *
 * It starts through the one streams launcher (runStreamsWorker) with the Kafka client and runtime
 * settings of the pipeline config (IOTP_CONFIG or config/pipeline.yaml, filled by `${VAR}` and
 * IOTP_STREAMS__* overrides), like `iotp streams run`. What is particular to the stats topology
 * comes from STATS_APP_ID, STATS_INPUT, STATS_OUTPUT, STATS_WINDOW_MS, STATS_GRACE_MS and (scaling
 * tests only) STATS_PROCESS_DELAY_MS: a wait per input record (default 0: none, the plain
 * synchronous serde). Late records go to `<app>-late`; /metrics on METRICS_PORT (default any).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { kafkaClientFrom } from '../../lib/clients/index.js';
import { loadPipelineConfig } from '../../lib/config/index.js';
import { loadStackEnv } from '../../lib/runtime/stack-env.js';
import { runStreamsWorker } from '../runtime/kafka/run-streams-worker.js';
import { streamsWorkerSettings } from '../runtime/kafka/streams-worker-settings.js';
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

async function main(): Promise<void> {
  const env = loadStackEnv();
  const config = loadPipelineConfig({ env });
  const applicationId = env.STATS_APP_ID ?? 'stats';
  const delayMs = Number(env.STATS_PROCESS_DELAY_MS ?? 0);
  const settings = {
    ...streamsWorkerSettings(config, applicationId, { metricsPort: Number(env.METRICS_PORT ?? 0) }),
    lateTopic: `${applicationId}-late`,
  };
  await runStreamsWorker({
    component: `streams-${applicationId}`,
    settings,
    client: (log) => kafkaClientFrom(config, applicationId, log),
    build: async () =>
      statsTopology({
        input: env.STATS_INPUT ?? 'stats.in',
        output: env.STATS_OUTPUT ?? 'stats.out',
        windowMs: Number(env.STATS_WINDOW_MS ?? 1_000),
        graceMs: Number(env.STATS_GRACE_MS ?? 0),
        ...(delayMs > 0 ? { valueSerde: slowJson(delayMs) } : {}),
      }),
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`stats-worker: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
