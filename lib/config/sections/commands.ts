import { z } from 'zod';
import { duration, secret, topicName } from '../zod-helpers.js';

/**
 * `commands:` commands to devices, the other way round: the MQTT sink (`iotp connect mqtt-sink`)
 * reads `topic` and publishes each command to the device's `mqttTopic` at QoS 1, committing the
 * Kafka offset only after the broker's PUBACK. It logs in with its own service identity (write on
 * the command topics only), not the source's. Devices answer on an event route (`routes:`).
 *
 * @example
 *   commands: { topic: telemetry.commands, mqttTopic: 'devices/{deviceId}/cmd',
 *     mqtt: { url: '${MQTT_URL}', username: '${MQTT_COMMANDS_USERNAME}', password: '${MQTT_COMMANDS_PASSWORD}' } }
 */
export const commandsSection = z
  .object({
    topic: topicName().default('telemetry.commands').describe('Kafka topic of the commands (key: deviceId).'),
    schema: z.string().min(1).default('command').describe('Schema of a command (.avsc base name or path).'),
    mqttTopic: z
      .string()
      .min(1)
      .default('devices/{deviceId}/cmd')
      .describe(
        "MQTT topic a command is published to; {deviceId} is the command's device (the ACL lets a device read only its own).",
      ),
    mqtt: z
      .object({
        url: z
          .string()
          .regex(/^(mqtts?|wss?|tcp|ssl):\/\/[^/\s]+/, { error: 'expected a broker URL like mqtt://host:1883' })
          .default('mqtt://127.0.0.1:1883')
          .describe('Broker URL of the MQTT sink: mqtt:// or mqtts:// (TLS).'),
        // biome-ignore lint/suspicious/noTemplateCurlyInString: documents the ${VAR} syntax
        username: z.string().optional().describe('Service user of the MQTT sink (${MQTT_COMMANDS_USERNAME}).'),
        // biome-ignore lint/suspicious/noTemplateCurlyInString: documents the ${VAR} syntax
        password: secret().optional().describe('Its password. Secret: write ${ENV_VAR}.'),
        caFile: z.string().optional().describe('PEM CA file to verify the broker (mqtts).'),
        clientId: z
          .string()
          .min(1)
          .default('iotp-mqtt-sink')
          .describe('Client id prefix (each replica appends its id).'),
        protocolVersion: z
          .union([z.literal(4), z.literal(5)])
          .default(5)
          .describe('MQTT 3.1.1 (4) or 5 (5: a refused publish gets a reason code instead of silence).'),
        keepalive: duration().prefault('30s').describe('MQTT keepalive.'),
      })
      .strict()
      .prefault({})
      .describe('The MQTT sink’s broker connection.'),
    groupId: z.string().min(1).default('iotp-mqtt-sink').describe('Consumer group of the MQTT sink replicas.'),
    maxInFlight: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(100)
      .describe('Commands published and not yet PUBACKed, at most (per replica).'),
    publishTimeout: duration()
      .prefault('30s')
      .describe('A publish with no PUBACK by then fails the worker (offsets stay uncommitted; a restart resends).'),
    sessionTimeout: duration().prefault('30s').describe('Consumer group session timeout (at least 6s).'),
    stuckRecalibrate: z
      .object({
        enabled: z
          .boolean()
          .default(false)
          .describe('An anomaly of kind STUCK makes the detect topology send the device a recalibrate command.'),
        command: z.string().min(1).default('recalibrate').describe('Name of the command sent.'),
        expiry: duration().prefault('10m').describe('The command expires this long after the anomaly.'),
      })
      .strict()
      .prefault({})
      .describe('Example rule: STUCK anomaly -> recalibrate (off by default).'),
  })
  .strict()
  .prefault({})
  .describe('Commands to devices: the MQTT sink and the rules that issue commands.');

export type CommandsSection = z.output<typeof commandsSection>;
