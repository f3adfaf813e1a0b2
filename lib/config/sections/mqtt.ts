import { z } from 'zod';
import { duration, secret } from '../zod-helpers.js';

/**
 * `mqtt:` the MQTT source connector: broker, credentials, shared subscription, limits.
 *
 * @example
 *   mqtt: { url: '${MQTT_URL}', username: '${MQTT_USERNAME}', password: '${MQTT_PASSWORD}', shareGroup: iotp }
 */
export const mqttSection = z
  .object({
    url: z
      .string()
      .regex(/^(mqtts?|wss?|tcp|ssl):\/\/[^/\s]+/, {
        error: 'expected a broker URL like mqtt://host:1883 or mqtts://host:8883',
      })
      .default('mqtt://127.0.0.1:1883')
      .describe('Broker URL: mqtt:// or mqtts:// (TLS).'),
    // biome-ignore lint/suspicious/noTemplateCurlyInString: documents the ${VAR} syntax
    username: z.string().optional().describe('MQTT user (from the environment: ${MQTT_USERNAME}).'),
    // biome-ignore lint/suspicious/noTemplateCurlyInString: documents the ${VAR} syntax
    password: secret().optional().describe('MQTT password. Secret: write ${ENV_VAR}.'),
    caFile: z.string().optional().describe('PEM CA file to verify the broker (mqtts).'),
    certFile: z.string().optional().describe('Client certificate PEM (mutual TLS).'),
    keyFile: z.string().optional().describe('Client key PEM (mutual TLS).'),
    shareGroup: z
      .string()
      .regex(/^[^/+#]+$/, { error: 'expected a name without / + #' })
      .default('iotp')
      .describe('Shared subscription group ($share/<group>/...): replicas split the stream.'),
    clientId: z
      .string()
      .min(1)
      .default('iotp-mqtt-source')
      .describe('Client id prefix (each replica appends a suffix).'),
    protocolVersion: z
      .union([z.literal(4), z.literal(5)])
      .default(5)
      .describe('MQTT 3.1.1 (4) or 5.'),
    qos: z
      .union([z.literal(1), z.literal(2)], { error: 'expected 1 or 2: QoS 0 can lose readings' })
      .default(1)
      .describe('Subscription QoS; PUBACK is sent only after Kafka acked the record.'),
    maxInFlight: z
      .number()
      .int()
      .min(1)
      .max(65_535)
      .default(1000)
      .describe('Unacknowledged messages per connection (MQTT 5 Receive Maximum; the broker allows 1000).'),
    maxPayloadBytes: z
      .number()
      .int()
      .min(64)
      .max(268_435_455)
      .default(65_536)
      .describe('Larger payloads go to the dead-letter topic.'),
    maxClockSkew: duration()
      .prefault('5m')
      .describe('Readings whose event time is further in the future than this are rejected to the dead-letter topic.'),
    keepalive: duration().prefault('30s').describe('MQTT keepalive.'),
    gateways: z
      .record(
        z.string().min(1),
        z.array(z.string().min(1)).min(1, { error: 'expected at least one leaf deviceId pattern such as leaf-*' }),
      )
      .default({})
      .describe(
        "Gateways (deviceIds or patterns) and the leaf deviceIds each may publish for; `*` = any run of characters, `{gateway}` = the gateway's own id, e.g. `{ gw-1: ['leaf-*'], 'gw-*': ['{gateway}.*'] }`. A JSON array from any other device is not a gateway batch: each reading must carry the topic's own deviceId (or none), else it is DEVICE_SPOOFED.",
      ),
  })
  .strict()
  .prefault({})
  .describe('MQTT source connector.');

export type MqttSection = z.output<typeof mqttSection>;
