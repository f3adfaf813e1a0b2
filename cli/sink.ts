import type { Command } from 'commander';
import { loadStackEnv } from '../lib/runtime/stack-env.js';

/**
 * `iotp sink influxdb`: one replica of the Kafka -> InfluxDB sink, until SIGTERM. Settings: the
 * `sink:` section of the pipeline YAML (docs/CONFIG.md), IOTP_SINK__* overrides, METRICS_PORT,
 * SINK_REPLICA_ID, SINK_MAX_BUFFERED_POINTS.
 */
export function registerSinkCommands(program: Command): void {
  const sink = program.command('sink').description('run a sink connector');
  sink
    .command('influxdb')
    .description('Avro Kafka topics -> InfluxDB points (v1 or v2 API); offsets committed after InfluxDB accepted them')
    .option('--config <file>', 'pipeline YAML; default $IOTP_CONFIG, else config/pipeline.yaml')
    .option('--metrics-port <port>', 'port of /metrics /healthz /readyz (default $METRICS_PORT or 9400)')
    .option('--replica-id <id>', 'this replica in logs and dead-letter headers (default $SINK_REPLICA_ID or host-pid)')
    .option('--sasl', 'reach Kafka through its SASL_SSL listener (KAFKA_SASL_* settings)')
    .action(async (flags: { config?: string; metricsPort?: string; replicaId?: string; sasl?: boolean }) => {
      const env = loadStackEnv();
      if (flags.metricsPort) env.METRICS_PORT = flags.metricsPort;
      if (flags.replicaId) env.SINK_REPLICA_ID = flags.replicaId;
      // Loaded on use, so that other subcommands never load the Kafka backends.
      const { runInfluxdbSink } = await import('../connectors/influxdb-sink/run-influxdb-sink.js');
      const handle = await runInfluxdbSink({ configFile: flags.config, env, sasl: flags.sasl === true });
      await handle.stopped;
    });
}
