/**
 * Runs one topology module as a worker process (tests spawn it; `iotp streams run` can wrap it):
 *
 *   node --import <tsx loader> streams/runtime/kafka/run-topology.ts <module.ts>
 *
 * The module's default export is `(env) => ({ applicationId, topology })`. Kafka settings come from
 * the stack env (KAFKA_BACKEND, KAFKA_BROKERS), runtime settings from STREAMS_* (streams-env.ts).
 * /metrics, /healthz and /readyz are served on STREAMS_METRICS_PORT; SIGTERM closes cleanly (commit,
 * leave the group); a fatal runtime error exits with code 1 so a supervisor restarts the worker.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../../../lib/errors.js';
import { loadStackEnv } from '../../../lib/runtime/stack-env.js';
import { runWorker } from '../../../lib/runtime/worker.js';
import type { Topology } from '../topology/topology.js';
import { kafkaClientFromEnv } from './kafka-client-from-env.js';
import { KafkaStreams } from './kafka-streams.js';
import { streamsEnv } from './streams-env.js';

export type TopologyModule = (env: Record<string, string>) => { applicationId: string; topology: Topology };

async function main(): Promise<void> {
  const modulePath = process.argv[2];
  if (!modulePath) throw new ConfigError('argv[2]', 'expected the path of a topology module');
  const mod = (await import(pathToFileURL(resolve(modulePath)).href)) as { default?: TopologyModule };
  if (typeof mod.default !== 'function')
    throw new ConfigError(modulePath, 'expected a default export (env) => { applicationId, topology }');
  const env = loadStackEnv();
  const settings = streamsEnv(env);
  const { applicationId, topology } = mod.default(env);
  const client = await kafkaClientFromEnv(env, applicationId);
  await runWorker({
    component: `streams-${applicationId}`,
    port: settings.metricsPort,
    start: async (ctx) => {
      const streams = new KafkaStreams(topology, {
        applicationId,
        client,
        guarantee: settings.guarantee,
        commitIntervalMs: settings.commitIntervalMs,
        idleTimeoutMs: settings.idleTimeoutMs,
        sessionTimeoutMs: settings.sessionTimeoutMs,
        registry: ctx.registry,
        log: ctx.log,
        onReadyChange: (ready) => ctx.setReady(ready),
        onError: () => {
          ctx.log.error('exiting after a fatal stream runtime error');
          process.exit(1);
        },
      });
      await streams.start();
      return { stop: () => streams.close() };
    },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`run-topology: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
