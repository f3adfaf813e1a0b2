/**
 * The site-count topology (a repartition) as a streams worker process, for kill -9 tests:
 *
 *   node --import <tsx loader> streams/runtime/joins/test-support/site-count-worker.ts
 *
 * It starts through the one streams launcher with the pipeline config's Kafka client and runtime
 * settings, like the stats worker; SITES_APP_ID, SITES_INPUT, SITES_OUTPUT and SITES_COUNT say what
 * is particular to it.
 */
import { kafkaClientFrom } from '../../../../lib/clients/index.js';
import { loadPipelineConfig } from '../../../../lib/config/index.js';
import { loadStackEnv } from '../../../../lib/runtime/stack-env.js';
import { runStreamsWorker } from '../../kafka/run-streams-worker.js';
import { streamsWorkerSettings } from '../../kafka/streams-worker-settings.js';
import { siteCountTopology } from './site-count-topology.js';

async function main(): Promise<void> {
  const env = loadStackEnv();
  const config = loadPipelineConfig({ env });
  const applicationId = env.SITES_APP_ID ?? 'sites';
  const settings = {
    ...streamsWorkerSettings(config, applicationId, { metricsPort: Number(env.METRICS_PORT ?? 0) }),
    lateTopic: `${applicationId}-late`,
    dlqTopic: `${applicationId}-dlq`,
  };
  await runStreamsWorker({
    component: `streams-${applicationId}`,
    settings,
    client: (log) => kafkaClientFrom(config, applicationId, log),
    build: async () =>
      siteCountTopology({
        input: env.SITES_INPUT ?? 'sites.in',
        output: env.SITES_OUTPUT ?? 'sites.out',
        sites: Number(env.SITES_COUNT ?? 7),
      }),
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`site-count-worker: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
