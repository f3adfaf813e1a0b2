import type { Command } from 'commander';
import { loadStackEnv } from '../lib/runtime/stack-env.js';

/**
 * `iotp connect <connector>`: source connectors. `mqtt-source` runs one replica of the MQTT ->
 * Kafka connector until SIGTERM (settings: docs/MOSQUITTO.md and connectors/mqtt-source/options.ts).
 */
export function registerConnectCommands(program: Command): void {
  const connect = program.command('connect').description('run a source connector');
  connect
    .command('mqtt-source')
    .description('MQTT (Mosquitto, $share subscription, QoS 1) -> Avro Kafka topics; PUBACK after Kafka acks')
    .option('--config <file>', 'pipeline YAML (routes, mqttSource section); default $IOTP_CONFIG')
    .option('--client-id <id>', 'this replica’s fixed MQTT client id (default $MQTT_CLIENT_ID or <group>-<hostname>)')
    .option('--group <name>', 'shared subscription group (default $MQTT_GROUP or iotp-mqtt-source)')
    .option('--metrics-port <port>', 'port of /metrics /healthz /readyz (default $METRICS_PORT or 9400)')
    .option('--sasl', 'reach Kafka through its SASL_SSL listener (KAFKA_SASL_* settings)')
    .action(
      async (flags: { config?: string; clientId?: string; group?: string; metricsPort?: string; sasl?: boolean }) => {
        const env = loadStackEnv();
        if (flags.clientId) env.MQTT_CLIENT_ID = flags.clientId;
        if (flags.group) env.MQTT_GROUP = flags.group;
        if (flags.metricsPort) env.METRICS_PORT = flags.metricsPort;
        // Loaded on use, so that other subcommands never pay for (or break on) the Kafka backends.
        const { runMqttSource } = await import('../connectors/mqtt-source/run-mqtt-source.js');
        const handle = await runMqttSource({ configFile: flags.config, env, sasl: flags.sasl === true });
        await handle.stopped;
      },
    );
}
