import { z } from 'zod';
import { duration, topicName } from '../zod-helpers.js';

/** What the MQTT source does with a reading of a device the registry does not hold. */
export const UNKNOWN_DEVICE_POLICIES = ['accept', 'dead-letter', 'count'] as const;
export type UnknownDevicePolicy = (typeof UNKNOWN_DEVICE_POLICIES)[number];

/**
 * `devices:` the device registry (docs/DEVICES.md): a compacted Avro topic written by
 * `iotp devices`, read live by the MQTT source (gateway leaves, known devices), the InfluxDB sink
 * (tags) and the detect topology (limits, detector overrides).
 *
 * @example
 *   devices: { enabled: true, unknownDevice: dead-letter }
 */
export const devicesSection = z
  .object({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        'Workers read the registry (it must exist: `iotp setup` creates it). Off: gateways come from mqtt.gateways only, every device is accepted, no registry tags or overrides.',
      ),
    topic: topicName()
      .default('telemetry.devices')
      .describe('Compacted topic of the registry (key: deviceId; a tombstone removes the device).'),
    schema: z.string().min(1).default('device').describe('Schema of a registry record (.avsc base name or path).'),
    unknownDevice: z
      .enum(UNKNOWN_DEVICE_POLICIES, { error: 'expected accept, dead-letter or count' })
      .default('accept')
      .describe(
        'A reading from a device the registry does not hold: `accept` it, `count` it (accepted, iotp_mqtt_unknown_device_readings_total) or `dead-letter` it (reason UNKNOWN_DEVICE).',
      ),
    readyTimeout: duration()
      .prefault('60s')
      .describe('How long a worker may take to read the registry to its end at start before it fails.'),
  })
  .strict()
  .superRefine((devices, ctx) => {
    if (!devices.enabled && devices.unknownDevice !== 'accept')
      ctx.addIssue({
        code: 'custom',
        path: ['unknownDevice'],
        message: `expected accept while devices.enabled is false (no registry says which devices are known), got ${devices.unknownDevice}`,
        input: devices.unknownDevice,
      });
  })
  .prefault({})
  .describe('Device registry: a compacted topic every worker reads live (docs/DEVICES.md).');

export type DevicesSection = z.output<typeof devicesSection>;
