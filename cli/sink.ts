import type { Command } from 'commander';
import { loadStackEnv } from '../lib/runtime/stack-env.js';
import { startWorker, untilStopped } from './command-context.js';
import { metricsPortOf } from './worker-options.js';

/**
 * `iotp sink influxdb`: one replica of the Kafka -> InfluxDB sink, until SIGTERM. Settings: the
 * `sink:` and `kafka:` sections of the pipeline YAML (docs/CONFIG.md; TLS and SASL included),
 * IOTP_SINK__* overrides; this replica's id and metrics port from the flags.
 */
export function registerSinkCommands(program: Command): void {
  const sink = program.command('sink').description('run a sink connector');
  sink
    .command('influxdb')
    .description('Avro Kafka topics -> InfluxDB points (v1 or v2 API); offsets committed after InfluxDB accepted them')
    .option('--config <file>', 'pipeline YAML; default $IOTP_CONFIG, else config/pipeline.yaml')
    .option('--metrics-port <port>', 'port of /metrics /healthz /readyz (default $METRICS_PORT or 9400)')
    .option('--replica-id <id>', 'this replica in logs and dead-letter headers (default $SINK_REPLICA_ID or host-pid)')
    .action(async (flags: { config?: string; metricsPort?: string; replicaId?: string }) => {
      const env = loadStackEnv();
      // Loaded on use, so that other subcommands never load the Kafka backends.
      const { runInfluxdbSink } = await import('../connectors/influxdb-sink/run-influxdb-sink.js');
      const handle = await startWorker(flags.config, env, () =>
        runInfluxdbSink({
          configFile: flags.config,
          env,
          replicaId: flags.replicaId ?? env.SINK_REPLICA_ID,
          metricsPort: metricsPortOf(flags.metricsPort, env),
        }),
      );
      await untilStopped(handle, 'iotp');
    });
  sink
    .command('parquet')
    .description(
      'Avro Kafka topics -> Parquet files by topic and event-time hour (the archive, docs/ARCHIVE.md); exactly once',
    )
    .option('--config <file>', 'pipeline YAML; default $IOTP_CONFIG, else config/pipeline.yaml')
    .option('--metrics-port <port>', 'port of /metrics /healthz /readyz (default 9500)')
    .option('--replica-id <id>', 'this replica in logs, temp file names and dead-letter headers (default host-pid)')
    .action(async (flags: { config?: string; metricsPort?: string; replicaId?: string }) => {
      const env = loadStackEnv();
      const { runParquetSink } = await import('../connectors/parquet-sink/run-parquet-sink.js');
      const handle = await startWorker(flags.config, env, () =>
        runParquetSink({
          configFile: flags.config,
          env,
          replicaId: flags.replicaId ?? env.ARCHIVE_REPLICA_ID,
          metricsPort: metricsPortOf(flags.metricsPort, { METRICS_PORT: '9500', ...env }),
        }),
      );
      await untilStopped(handle, 'iotp');
    });
}
