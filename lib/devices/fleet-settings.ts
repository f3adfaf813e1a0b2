import { IotpError } from '../errors.js';
import { parseDays } from './options.js';

/**
 * Where `iotp devices` finds the fleet CA, the device index and the broker's files. From
 * `.stack/env` (scripts/stack/up.sh writes it) overridden by the environment, so the same command
 * serves another deployment by setting these variables.
 */
export interface FleetSettings {
  /** FLEET_CA: the fleet CA certificate (the device listener's `cafile`). */
  caCert?: string;
  /** FLEET_CA_KEY: its private key. */
  caKey?: string;
  /** FLEET_CRL: the CRL (the device listener's `crlfile`). */
  crl?: string;
  /** FLEET_INDEX: the device index (devices.json beside the CA). */
  index?: string;
  /** FLEET_CRL_DAYS: validity of a written CRL (default 3650: Mosquitto refuses every certificate past it). */
  crlDays: number;
  /** MQTT_PASSWD_FILE: Mosquitto's password file (password credentials). */
  passwdFile?: string;
  /** MQTT_PID_FILE: the running Mosquitto's pid file (SIGHUP after a change). */
  pidFile?: string;
  /** MQTT_CA: the CA of the broker's server certificate, copied beside a device's certificate. */
  serverCa?: string;
  /** MQTTS_DEVICE_URL: the listener devices connect to with their certificate. */
  deviceUrl?: string;
}

/** The default FLEET_CRL_DAYS. */
export const DEFAULT_CRL_DAYS = 3650;

/** Reads the settings from an environment (`loadStackEnv()`). */
export function fleetSettingsFromEnv(env: Readonly<Record<string, string | undefined>>): FleetSettings {
  const pick = (key: string) => (env[key] ? env[key] : undefined);
  return {
    caCert: pick('FLEET_CA'),
    caKey: pick('FLEET_CA_KEY'),
    crl: pick('FLEET_CRL'),
    index: pick('FLEET_INDEX'),
    crlDays: env.FLEET_CRL_DAYS ? parseDays(env.FLEET_CRL_DAYS, 'FLEET_CRL_DAYS') : DEFAULT_CRL_DAYS,
    passwdFile: pick('MQTT_PASSWD_FILE'),
    pidFile: pick('MQTT_PID_FILE'),
    serverCa: pick('MQTT_CA'),
    deviceUrl: pick('MQTTS_DEVICE_URL'),
  };
}

const VARIABLE: Record<'caCert' | 'caKey' | 'crl' | 'index' | 'passwdFile', string> = {
  caCert: 'FLEET_CA',
  caKey: 'FLEET_CA_KEY',
  crl: 'FLEET_CRL',
  index: 'FLEET_INDEX',
  passwdFile: 'MQTT_PASSWD_FILE',
};

/** The setting's value, or DEVICES_SETTING_MISSING naming its variable and where it comes from. */
export function requireSetting(settings: FleetSettings, key: keyof typeof VARIABLE): string {
  const value = settings[key];
  if (value) return value;
  throw new IotpError(
    'DEVICES_SETTING_MISSING',
    `${VARIABLE[key]} is not set: start the local stack ('make stack-up' writes it to .stack/env) or set it in the environment`,
  );
}
