import { describe, expect, it } from 'vitest';
import { ConfigError } from '../lib/errors.js';
import { resolveSimulationOptions } from './simulation-options.js';

const env = {
  MQTT_URL: 'mqtt://127.0.0.1:18830',
  MQTT_AUTH_URL: 'mqtt://127.0.0.1:18832',
  MQTT_SIMULATOR_USERNAME: 'iotp-simulator',
  MQTT_SIMULATOR_PASSWORD: 'simulator-secret',
  MQTT_PASSWD_FILE: '/tmp/passwd',
  MQTT_PID_FILE: '/tmp/mosquitto.pid',
};

describe('resolveSimulationOptions', () => {
  it('takes defaults from the stack env: the shared simulator identity on MQTT_URL', () => {
    const o = resolveSimulationOptions({}, env);
    expect(o).toMatchObject({
      url: 'mqtt://127.0.0.1:18830',
      username: 'iotp-simulator',
      password: 'simulator-secret',
      devices: 1000,
      rate: 100,
      durationS: 60,
      qos: 1,
      status: true,
      perDeviceCredentials: false,
    });
    expect(o.anomalyKinds).toHaveLength(8);
    expect(o.historyMs).toBe(0);
  });

  it('takes a history of up to 6 days at an interval no longer than itself', () => {
    expect(resolveSimulationOptions({ history: '1d', interval: '1m' }, env)).toMatchObject({
      historyMs: 86_400_000,
      historyIntervalMs: 60_000,
    });
    expect(resolveSimulationOptions({ history: '6h' }, env)).toMatchObject({
      historyMs: 21_600_000,
      historyIntervalMs: 60_000,
    });
    expect(resolveSimulationOptions({ history: '6d', interval: '30s' }, env).historyMs).toBe(6 * 86_400_000);
  });

  it('refuses a history Kafka or the MQTT source would drop, naming the flag', () => {
    const bad: Array<[Record<string, string>, RegExp]> = [
      [{ history: '7d' }, /--history: expected at most 6d, got '7d': Kafka's 7-day time retention/],
      [{ history: 'a day' }, /--history: expected a duration such as 90s, 30m, 12h or 1d/],
      [
        { history: '1h', interval: '2h' },
        /--interval: expected a duration from 100ms to the --history span \(1h\), got '2h'/,
      ],
      [{ history: '1h', interval: '10ms' }, /--interval: expected a duration from 100ms/],
      [{ interval: '1m' }, /--interval: is the spacing of --history readings: expected --history with it/],
    ];
    for (const [flags, message] of bad) {
      const attempt = () => resolveSimulationOptions(flags, env);
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(message);
    }
  });

  it('uses the password listener and the password file for per-device credentials', () => {
    const o = resolveSimulationOptions({ perDeviceCredentials: true }, env);
    expect(o).toMatchObject({
      url: 'mqtt://127.0.0.1:18832',
      passwdFile: '/tmp/passwd',
      pidFile: '/tmp/mosquitto.pid',
    });
    expect(() => resolveSimulationOptions({ perDeviceCredentials: true }, { MQTT_URL: env.MQTT_URL })).toThrow(
      /--per-device-credentials: needs Mosquitto's password file/,
    );
  });

  it('names the flag and the expected value on bad input', () => {
    const bad: Array<[Record<string, string>, RegExp]> = [
      [{ rate: '0' }, /--rate: expected a number > 0, got '0'/],
      [{ devices: '1.5' }, /--devices: expected an integer >= 1/],
      [{ qos: '2' }, /--qos: expected 0 or 1, got '2'/],
      [{ url: 'http://x' }, /--url: expected mqtt:\/\/ or mqtts:\/\//],
      [{ anomalyKinds: 'spike,boom' }, /--anomaly-kinds: unknown anomaly kind 'boom'/],
      [{ startTs: 'yesterday' }, /--start-ts: expected epoch ms or an ISO-8601 time/],
    ];
    for (const [flags, message] of bad) {
      const attempt = () => resolveSimulationOptions(flags, env);
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(message);
    }
  });

  it('parses the start time as epoch ms or ISO-8601', () => {
    expect(resolveSimulationOptions({ startTs: '1700000000000' }, env).startTs).toBe(1_700_000_000_000);
    expect(resolveSimulationOptions({ startTs: '2024-05-01T12:00:00Z' }, env).startTs).toBe(Date.UTC(2024, 4, 1, 12));
  });
});
