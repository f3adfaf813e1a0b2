import type { UnknownDevicePolicy } from '../../lib/config/sections/devices.js';
import type { Rejection } from './dead-letter-reason.js';

/**
 * Whether a reading's device may pass, by the device registry and `devices.unknownDevice`:
 * a device the registry holds passes; an unknown one passes (`accept`), passes and is counted
 * (`count`: `onUnknown`), or is refused as UNKNOWN_DEVICE (`dead-letter`, counted too). Live: the
 * registry view is asked on every reading.
 *
 * @example
 *   const admission = createDeviceAdmission('dead-letter', view, (id) => metric.inc());
 *   admission.admit('d9'); // { reason: 'UNKNOWN_DEVICE', ... } when d9 is not in the registry
 */
export interface DeviceAdmission {
  /** undefined: the reading may pass; else why it may not. */
  admit(deviceId: string): Rejection | undefined;
}

export function createDeviceAdmission(
  policy: UnknownDevicePolicy,
  registry: { has(deviceId: string): boolean },
  onUnknown: (deviceId: string, policy: UnknownDevicePolicy) => void = () => {},
): DeviceAdmission {
  return {
    admit(deviceId) {
      if (registry.has(deviceId)) return undefined;
      onUnknown(deviceId, policy);
      if (policy !== 'dead-letter') return undefined;
      return {
        reason: 'UNKNOWN_DEVICE',
        field: 'deviceId',
        rule: 'registry',
        message: `device '${deviceId}' is not in the device registry (devices.unknownDevice: dead-letter)`,
      };
    },
  };
}
