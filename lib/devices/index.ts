/**
 * Device identity: per-device X.509 client certificates from the fleet CA (CN = deviceId, revoked
 * through a CRL) or per-device passwords in Mosquitto's password file, recorded in the device index
 * beside the CA. `iotp devices` (cli/devices.ts) wires it; docs/MOSQUITTO.md describes the broker side.
 */
export * from './add-device.js';
export * from './broker-notice.js';
export * from './crl.js';
export * from './device-id.js';
export * from './device-index.js';
export * from './fleet-settings.js';
export * from './index-file.js';
export * from './issue-certificate.js';
export * from './list-devices.js';
export * from './mosquitto-passwd.js';
export * from './mosquitto-process.js';
export * from './openssl-database.js';
export * from './options.js';
export * from './registry/index.js';
export * from './revoke-devices.js';
export * from './rewrite-crl.js';
