import type { Command } from 'commander';
import { loadStackEnv } from '../lib/runtime/stack-env.js';
import { startWorker, untilStopped } from './command-context.js';
import { metricsPortOf } from './worker-options.js';

/**
 * `iotp streams run <aggregate|detect|enrich>`: one replica of a stream topology, until SIGTERM. Settings:
 * the `streams:`, `detectors:` and `kafka:` sections of the pipeline YAML (docs/CONFIG.md; TLS and
 * SASL included) and IOTP_* overrides; the flags win. Replicas with the same application id share
 * the partitions.
 */
export function registerStreamsCommands(program: Command): void {
  const streams = program.command('streams').description('run a stream topology (Kafka Streams-style worker)');
  streams
    .command('run')
    .description(
      'aggregate: windowed statistics per device -> <topic>.agg.<window>; detect: anomalies -> telemetry.anomalies; enrich: readings and anomalies joined with the device registry -> <topic>.enriched, per-site/model windows -> <topic>.agg.<site|model>.<window>',
    )
    .argument('<topology>', 'aggregate | detect | enrich')
    .option('--config <file>', 'pipeline YAML; default $IOTP_CONFIG, else config/pipeline.yaml')
    .option('--guarantee <guarantee>', 'exactly_once | at_least_once (default: streams.processingGuarantee)')
    .option(
      '--application-id <id>',
      'consumer group, changelog and transactional id prefix (default <streams.applicationId>-<topology>)',
    )
    .option('--metrics-port <port>', 'port of /metrics /healthz /readyz (default $METRICS_PORT or 9400; 0 = any)')
    .action(
      async (
        topology: string,
        flags: { config?: string; guarantee?: string; applicationId?: string; metricsPort?: string },
      ) => {
        // Loaded on use, so that other subcommands never load the stream runtime or the Kafka backends.
        const { parseTopologyName } = await import('../streams/topologies/shared/streams-settings.js');
        const { runStreams } = await import('../streams/topologies/run-streams.js');
        const env = loadStackEnv();
        const handle = await startWorker(flags.config, env, () =>
          runStreams({
            topology: parseTopologyName(topology),
            configFile: flags.config,
            env,
            overrides: {
              applicationId: flags.applicationId,
              guarantee: flags.guarantee,
              metricsPort: metricsPortOf(flags.metricsPort, env),
            },
          }),
        );
        await untilStopped(handle, 'iotp');
      },
    );
}
