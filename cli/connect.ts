import type { Command } from 'commander';
import { loadStackEnv } from '../lib/runtime/stack-env.js';
import { startWorker, untilStopped } from './command-context.js';
import { metricsPortOf } from './worker-options.js';

/**
 * `iotp connect <connector>`: the MQTT connectors. `mqtt-source` runs one replica of the MQTT ->
 * Kafka connector until SIGTERM (settings: the `mqtt`, `routes`, `kafka` and `registry` sections of
 * the pipeline YAML, TLS and SASL included; docs/MOSQUITTO.md). `mqtt-sink` runs one replica of the
 * Kafka -> MQTT command sink (settings: the `commands` section; docs/MOSQUITTO.md "Commands").
 */
export function registerConnectCommands(program: Command): void {
  const connect = program.command('connect').description('run an MQTT connector (source or command sink)');
  connect
    .command('mqtt-source')
    .description('MQTT (Mosquitto, $share subscription, QoS 1) -> Avro Kafka topics; PUBACK after Kafka acks')
    .option('--config <file>', 'pipeline YAML (default $IOTP_CONFIG or config/pipeline.yaml)')
    .option(
      '--replica <id>',
      'this replica’s fixed id, appended to mqtt.clientId (default $MQTT_CLIENT_ID or the host name)',
    )
    .option('--metrics-port <port>', 'port of /metrics /healthz /readyz (default $METRICS_PORT or 9400; 0 = any)')
    .action(async (flags: { config?: string; replica?: string; metricsPort?: string }) => {
      const env = loadStackEnv();
      // Loaded on use, so that other subcommands never pay for (or break on) the Kafka backends.
      const { runMqttSource } = await import('../connectors/mqtt-source/run-mqtt-source.js');
      const handle = await startWorker(flags.config, env, () =>
        runMqttSource({
          configFile: flags.config,
          env,
          replica: flags.replica ?? env.MQTT_CLIENT_ID,
          metricsPort: metricsPortOf(flags.metricsPort, env),
        }),
      );
      await untilStopped(handle, 'iotp');
    });
  connect
    .command('mqtt-sink')
    .description(
      'Kafka commands (telemetry.commands) -> MQTT devices/<deviceId>/cmd at QoS 1; offset committed after the PUBACK',
    )
    .option('--config <file>', 'pipeline YAML (default $IOTP_CONFIG or config/pipeline.yaml)')
    .option(
      '--replica <id>',
      'this replica’s id, appended to commands.mqtt.clientId (default $MQTT_SINK_REPLICA or the host name)',
    )
    .option('--metrics-port <port>', 'port of /metrics /healthz /readyz (default $METRICS_PORT or 9400; 0 = any)')
    .action(async (flags: { config?: string; replica?: string; metricsPort?: string }) => {
      const env = loadStackEnv();
      const { runMqttSink } = await import('../connectors/mqtt-sink/run-mqtt-sink.js');
      const handle = await startWorker(flags.config, env, () =>
        runMqttSink({
          configFile: flags.config,
          env,
          replica: flags.replica ?? env.MQTT_SINK_REPLICA,
          metricsPort: metricsPortOf(flags.metricsPort, env),
        }),
      );
      await untilStopped(handle, 'iotp');
    });
}
