import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../lib/errors.js';
import { repoRoot } from '../../lib/runtime/stack-env.js';

const route = z.strictObject({
  mqtt: z.string().min(1).describe('MQTT topic template, e.g. sensors/{site}/{deviceId}/{type}'),
  topic: z.string().min(1).describe('Kafka topic; may use the template placeholders, e.g. telemetry.{type}'),
  schema: z.string().min(1).describe('schemas/<schema>.avsc; may use placeholders, e.g. {type}'),
  subject: z.string().min(1).optional().describe('registry subject; default <topic>-value'),
  subscribe: z
    .enum(['namespace', 'exact'])
    .default('namespace')
    .describe("namespace: subscribe to the template's literal levels then #; exact: to the template's filter only"),
});

const positiveInt = z.number().int().positive();

/**
 * The MQTT source's settings, declared once with defaults and docs. The same schema validates the
 * YAML (`mqttSource:` section plus the shared `routes:`) and the environment overrides; an error
 * names the key and what was expected.
 *
 * @example
 *   const options = parseMqttSourceOptions({ mqtt: { url: 'mqtt://127.0.0.1:18830', clientId: 'src-0' },
 *     registry: { url: 'http://127.0.0.1:18081/apis/ccompat/v7' } });
 *   options.mqtt.receiveMaximum; // 1000
 */
export const mqttSourceOptionsSchema = z.strictObject({
  mqtt: z.strictObject({
    url: z.string().regex(/^mqtts?:\/\/.+/, 'expected mqtt://host:port or mqtts://host:port'),
    username: z.string().min(1).optional(),
    password: z.string().optional().describe('from MQTT_PASSWORD; never from a committed file'),
    caFile: z.string().min(1).optional().describe('PEM CA that signed the broker certificate (mqtts)'),
    certFile: z.string().min(1).optional().describe('client certificate (PEM), with keyFile'),
    keyFile: z.string().min(1).optional(),
    rejectUnauthorized: z.boolean().default(true),
    clientId: z
      .string()
      .min(1)
      .max(128)
      .describe('fixed per replica: the broker keeps this replica’s persistent session under it'),
    group: z
      .string()
      .regex(/^[^/+#]+$/, 'expected a name without / + #')
      .default('iotp-mqtt-source')
      .describe('the $share group name'),
    protocolVersion: z
      .union([z.literal(4), z.literal(5)])
      .default(5)
      .describe('5: session expiry and Receive Maximum; 4 (3.1.1): clean session false, the broker’s inflight limit'),
    keepaliveSeconds: positiveInt.default(30),
    sessionExpirySeconds: positiveInt
      .default(7 * 24 * 3600)
      .describe('how long the broker keeps the session (and queues messages) while the replica is away'),
    receiveMaximum: positiveInt
      .max(65_535)
      .default(1000)
      .describe('max un-PUBACKed messages in flight to this replica (MQTT 5 Receive Maximum): the backpressure bound'),
    connectTimeoutMs: positiveInt.default(10_000),
    reconnectPeriodMs: positiveInt.default(1000),
  }),
  routes: z
    .array(route)
    .min(1)
    .default([
      { mqtt: 'sensors/{site}/{deviceId}/{type}', topic: 'telemetry.{type}', schema: '{type}', subscribe: 'namespace' },
    ]),
  status: z
    .strictObject({
      template: z
        .string()
        .min(1)
        .optional()
        .describe("the device's status topic; default: beside its readings, <route prefix up to {deviceId}>/status"),
      topic: z.string().min(1).default('telemetry.device-status'),
      schema: z.string().min(1).default('device-status'),
    })
    .prefault({}),
  deadLetterTopic: z.string().min(1).default('telemetry.dlq'),
  limits: z
    .strictObject({
      maxPayloadBytes: positiveInt.default(64 * 1024),
      maxFutureMs: z
        .number()
        .int()
        .nonnegative()
        .default(5 * 60_000),
      maxPastMs: z
        .number()
        .int()
        .nonnegative()
        .default(7 * 24 * 3_600_000),
    })
    .prefault({}),
  unknownFields: z.enum(['reject', 'ignore']).default('reject'),
  gateways: z
    .record(z.string(), z.array(z.string().min(1)))
    .default({})
    .describe('gatewayId -> leaf deviceId patterns; nobody else may publish for another device'),
  devices: z
    .strictObject({
      unknownDevice: z
        .enum(['accept', 'dead-letter', 'count'], { error: 'expected accept, dead-letter or count' })
        .default('accept')
        .describe('a reading from a device the registry does not hold (needs the registry view unless accept)'),
    })
    .prefault({}),
  batch: z
    .strictObject({
      maxMessages: positiveInt.default(500),
      retryInitialMs: positiveInt.default(100),
      retryMaxMs: positiveInt.default(5000),
    })
    .prefault({}),
  registry: z.strictObject({
    url: z.string().url(),
    autoRegister: z.boolean().default(false),
  }),
  schemasDir: z.string().min(1).default(join(repoRoot, 'schemas')),
  metricsPort: z.number().int().min(0).max(65_535).default(9400),
  drainTimeoutMs: positiveInt.default(10_000),
});

export type MqttSourceOptions = z.infer<typeof mqttSourceOptionsSchema>;
export type MqttSourceInput = z.input<typeof mqttSourceOptionsSchema>;

/** Validates options; the first problem becomes a ConfigError naming the key (`mqtt.url`, `limits.maxPastMs`). */
export function parseMqttSourceOptions(input: unknown, keyPrefix = ''): MqttSourceOptions {
  const result = mqttSourceOptionsSchema.safeParse(input);
  if (result.success) {
    const o = result.data;
    if ((o.mqtt.certFile === undefined) !== (o.mqtt.keyFile === undefined))
      throw new ConfigError(`${keyPrefix}mqtt.keyFile`, 'a client certificate needs both certFile and keyFile');
    if (o.batch.retryMaxMs < o.batch.retryInitialMs)
      throw new ConfigError(
        `${keyPrefix}batch.retryMaxMs`,
        `expected >= batch.retryInitialMs (${o.batch.retryInitialMs})`,
      );
    return o;
  }
  const issue = result.error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  const extra = issue?.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
  throw new ConfigError(`${keyPrefix}${path || '(root)'}`, `${issue?.message ?? 'invalid'}${extra}`);
}
