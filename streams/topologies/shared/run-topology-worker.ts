import type { Logger } from 'pino';
import { createKafkaClient, kafkaConfigFromEnv } from '../../../lib/kafka/index.js';
import type { Admin } from '../../../lib/kafka/types.js';
import { type LagReporter, startLagReporter } from '../../../lib/runtime/lag-reporter.js';
import { COMPONENT } from '../../../lib/runtime/metric-names.js';
import { runWorker, type WorkerHandle } from '../../../lib/runtime/worker.js';
import { KafkaStreams } from '../../runtime/kafka/kafka-streams.js';
import type { Clock } from '../../runtime/time/clock.js';
import type { Topology } from '../../runtime/topology/topology.js';
import type { StreamsRunSettings } from './streams-settings.js';
import { type TopologyMetrics, topologyMetrics } from './topology-metrics.js';

export interface TopologyWorkerOptions {
  settings: StreamsRunSettings;
  env: Record<string, string | undefined>;
  /** Reach Kafka through its SASL_SSL listener (KAFKA_SASL_*). */
  sasl?: boolean;
  /** Builds the topology (serdes resolved against the registry) with the worker's metrics and log. */
  build(metrics: TopologyMetrics, log: Logger): Promise<Topology>;
  /** Wall clock of the runtime (default the system clock). */
  clock?: Clock;
}

/**
 * Runs one topology as a worker: JSON logs, /metrics /healthz /readyz (ready once every task is
 * restored), consumer lag gauges, the runtime under the settings' guarantee, and a clean SIGTERM
 * (commit, leave the group). A fatal runtime error shuts the worker down with exit code 1 so that a
 * supervisor restarts it from the last commit.
 *
 * @example
 *   const handle = await runTopologyWorker({ settings, env, build: (m) => buildAggregate(config, registry, m) });
 *   await handle.stopped;
 */
export async function runTopologyWorker(options: TopologyWorkerOptions): Promise<WorkerHandle> {
  const { settings } = options;
  const component = settings.topology === 'aggregate' ? COMPONENT.streamsAggregate : COMPONENT.streamsDetect;
  let handle: WorkerHandle | undefined;
  let failed = false;
  handle = await runWorker({
    component,
    port: settings.metricsPort,
    start: async (ctx) => {
      const metrics = topologyMetrics(ctx.registry);
      const topology = await options.build(metrics, ctx.log);
      const client = createKafkaClient(
        kafkaConfigFromEnv(options.env, { clientId: settings.applicationId, sasl: options.sasl === true }),
      );
      const streams = new KafkaStreams(topology, {
        applicationId: settings.applicationId,
        client,
        guarantee: settings.guarantee,
        commitIntervalMs: settings.commitIntervalMs,
        idleTimeoutMs: settings.idleTimeoutMs,
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
          topics: topology.sourceTopics(),
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
