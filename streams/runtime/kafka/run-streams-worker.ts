import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Admin, KafkaClient } from '../../../lib/kafka/types.js';
import { type LagReporter, startLagReporter } from '../../../lib/runtime/lag-reporter.js';
import { runWorker, type WorkerHandle } from '../../../lib/runtime/worker.js';
import type { Clock } from '../time/clock.js';
import type { Topology } from '../topology/topology.js';
import { KafkaStreams } from './kafka-streams.js';
import type { StreamsWorkerSettings } from './streams-worker-settings.js';

/** One streams worker: which topology, under which settings, on which Kafka client. */
export interface StreamsWorkerOptions {
  /** Log and metric component name, e.g. `streams-aggregate`. */
  component: string;
  settings: StreamsWorkerSettings;
  /** The Kafka client (lib/clients: from the pipeline config), given the worker's log. */
  client(log: Logger): KafkaClient;
  /** Builds the topology (serdes resolved against the registry) with the worker's metrics and log. */
  build(metrics: Registry, log: Logger): Promise<Topology>;
  /** Wall clock of the runtime (default the system clock). */
  clock?: Clock;
}

/**
 * THE streams launcher: runs one topology as a worker with JSON logs, /metrics /healthz /readyz
 * (ready once every task is restored), consumer lag gauges, the runtime under the settings'
 * guarantee, and a clean SIGTERM (commit, leave the group). A fatal runtime error shuts the worker
 * down with exit code 1 so that a supervisor restarts it from the last commit. `iotp streams run`
 * and the test workers both start here.
 *
 * @example
 *   const handle = await runStreamsWorker({ component: 'streams-aggregate', settings,
 *     client: (log) => kafkaClientFrom(config, settings.applicationId, log), build: (m) => buildAggregate(config, registry, m) });
 *   await handle.stopped;
 */
export async function runStreamsWorker(options: StreamsWorkerOptions): Promise<WorkerHandle> {
  const { settings } = options;
  let handle: WorkerHandle | undefined;
  let failed = false;
  handle = await runWorker({
    component: options.component,
    port: settings.metricsPort,
    start: async (ctx) => {
      const topology = await options.build(ctx.registry, ctx.log);
      const client = options.client(ctx.log.child({ client: 'kafka' }));
      const streams = new KafkaStreams(topology, {
        applicationId: settings.applicationId,
        client,
        guarantee: settings.guarantee,
        commitIntervalMs: settings.commitIntervalMs,
        idleTimeoutMs: settings.idleTimeoutMs,
        ...(settings.sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs: settings.sessionTimeoutMs }),
        lateTopic: settings.lateTopic,
        dlqTopic: settings.dlqTopic,
        registry: ctx.registry,
        log: ctx.log,
        ...(options.clock ? { clock: options.clock } : {}),
        onReadyChange: (ready) => ctx.setReady(ready),
        onError: () => {
          failed = true;
          process.exitCode = 1;
          void handle?.shutdown('fatal stream runtime error');
        },
      });
      ctx.log.info(
        {
          applicationId: settings.applicationId,
          guarantee: settings.guarantee,
          topology: topology.describe(settings.applicationId),
        },
        'starting topology',
      );
      await streams.start();
      let admin: Admin | undefined = client.admin();
      let lag: LagReporter | undefined;
      try {
        await admin.connect();
        lag = startLagReporter({
          admin,
          groupId: settings.applicationId,
          topics: topology.resolveInternalTopics(settings.applicationId).sourceTopics(),
          registry: ctx.registry,
          log: ctx.log,
        });
      } catch (error) {
        ctx.log.warn({ err: error }, 'no consumer lag gauges: admin connection failed');
        admin = undefined;
      }
      return {
        stop: async () => {
          lag?.stop();
          await streams.close();
          await admin?.disconnect().catch(() => undefined);
          if (failed) process.exitCode = 1;
        },
      };
    },
  });
  return handle;
}
