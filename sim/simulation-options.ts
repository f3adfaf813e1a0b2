import { formatDuration, parseDuration } from '../lib/config/duration.js';
import { checkTopicTemplate } from '../lib/config/topic-template.js';
import { ConfigError } from '../lib/errors.js';
import { ANOMALY_KINDS, type AnomalyKind, parseAnomalyKinds } from './anomaly-kinds.js';
import { seedFrom } from './hash-random.js';
import { MAX_HISTORY_MS } from './history-bounds.js';

/**
 * Everything a simulator run needs, validated. Defaults come from `resolveSimulationOptions`:
 * flags first, then the environment (`.stack/env` merged with the process env).
 *
 * @example
 *   resolveSimulationOptions({ devices: '5000', rate: '2500', duration: '60', qos: '1' }, loadStackEnv())
 */
export interface SimulationOptions {
  url: string;
  /** Shared identity (ignored with perDeviceCredentials). */
  username?: string;
  password?: string;
  caFile?: string;
  devices: number;
  sites: number;
  types: string[];
  seed: number;
  gatewaySize: number;
  devicePrefix: string;
  sitePrefix: string;
  /** Readings per second over the fleet. */
  rate: number;
  /** Seconds; 0 = until SIGINT. */
  durationS: number;
  qos: 0 | 1;
  /** Connections of the shared identity. */
  clients: number;
  perDeviceCredentials: boolean;
  devicePassword: string;
  passwdFile?: string;
  pidFile?: string;
  /** Remove the per-device users again at the end. */
  removeCredentials: boolean;
  anomalyRate: number;
  anomalyKinds: AnomalyKind[];
  /**
   * No anomaly starts during the first `anomalyWarmupMs` of the run's event time (history
   * included): the detectors' warm-up, when nothing could find them. 0 = anomalies from the start.
   */
  anomalyWarmupMs: number;
  truthFile?: string;
  /** Retained ONLINE per device/gateway at the start, OFFLINE at the end, Last Will per client. */
  status: boolean;
  /** At the end, delete the retained status messages instead of leaving OFFLINE. */
  clearRetained: boolean;
  /** Event time of the first live reading, epoch ms (default: now, after the history). */
  startTs?: number;
  /**
   * Event time published before the live part, ms (0 = none): every device's readings of the past
   * `historyMs` at `historyIntervalMs` spacing, as fast as the broker acks them. At most MAX_HISTORY_MS.
   */
  historyMs: number;
  /** Spacing of the history's readings (per device), ms. */
  historyIntervalMs: number;
  maxInFlight: number;
  protocolVersion: 4 | 5;
  progressEveryS: number;
  /** First level of every topic: `sensors` for the pipeline; another root keeps a load test away from it. */
  topicRoot: string;
  /** Devices subscribe to their command topic and answer each command on `<topic>/ack` (sim/command-responder.ts). */
  answerCommands: boolean;
  /** The command topic template (the pipeline's `commands.mqttTopic`). */
  commandTopic: string;
}

/** The shortest history interval. */
export const MIN_HISTORY_INTERVAL_MS = 100;
/** The history's default interval. */
export const DEFAULT_HISTORY_INTERVAL = '1m';

/** The flags as commander hands them over (strings, booleans). */
export type SimulationFlags = Partial<Record<string, string | boolean | undefined>>;

const int = (flag: string, raw: string, min: number): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(flag, `expected an integer >= ${min}, got '${raw}'`);
  return n;
};
const num = (flag: string, raw: string, min: number, exclusive = false): number => {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || (exclusive && n === min))
    throw new ConfigError(flag, `expected a number ${exclusive ? '>' : '>='} ${min}, got '${raw}'`);
  return n;
};
const str = (v: string | boolean | undefined): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;

function duration(flag: string, raw: string): number {
  const ms = parseDuration(raw);
  if (ms === undefined)
    throw new ConfigError(flag, `expected a duration such as 90s, 30m, 12h or 1d (one unit), got '${raw}'`);
  return ms;
}

/** `--history` and `--interval`, checked against each other and the pipeline's limits. */
function parseHistory(history: string | undefined, interval: string | undefined): [number, number] {
  if (history === undefined || history === '0') {
    if (interval !== undefined)
      throw new ConfigError('--interval', `is the spacing of --history readings: expected --history with it`);
    return [0, duration('--interval', DEFAULT_HISTORY_INTERVAL)];
  }
  const historyMs = duration('--history', history);
  if (historyMs > MAX_HISTORY_MS)
    throw new ConfigError(
      '--history',
      `expected at most ${formatDuration(MAX_HISTORY_MS)}, got '${history}': Kafka's 7-day time retention deletes older records and the MQTT source refuses event times more than 7 days old`,
    );
  const intervalMs = duration('--interval', interval ?? DEFAULT_HISTORY_INTERVAL);
  if (intervalMs < MIN_HISTORY_INTERVAL_MS || intervalMs > historyMs)
    throw new ConfigError(
      '--interval',
      `expected a duration from ${MIN_HISTORY_INTERVAL_MS}ms to the --history span (${formatDuration(historyMs)}), got '${interval ?? DEFAULT_HISTORY_INTERVAL}'`,
    );
  return [historyMs, intervalMs];
}

function parseStartTs(raw: string): number {
  const n = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new ConfigError('--start-ts', `expected epoch ms or an ISO-8601 time with a zone, got '${raw}'`);
  return n;
}

export function resolveSimulationOptions(flags: SimulationFlags, env: Record<string, string>): SimulationOptions {
  const f = (name: string) => str(flags[name]);
  const perDevice = flags.perDeviceCredentials === true;
  const url = f('url') ?? (perDevice ? (env.MQTT_AUTH_URL ?? env.MQTT_URL) : env.MQTT_URL);
  if (!url)
    throw new ConfigError(
      '--url',
      'expected an MQTT URL (mqtt://host:port or mqtts://...): set MQTT_URL or pass --url',
    );
  if (!/^mqtts?:\/\//.test(url)) throw new ConfigError('--url', `expected mqtt:// or mqtts://, got '${url}'`);
  const qos = f('qos') ?? '1';
  if (qos !== '0' && qos !== '1') throw new ConfigError('--qos', `expected 0 or 1, got '${qos}'`);
  const protocol = f('protocolVersion') ?? '4';
  if (protocol !== '4' && protocol !== '5')
    throw new ConfigError('--protocol-version', `expected 4 (MQTT 3.1.1) or 5, got '${protocol}'`);
  const types = (f('types') ?? 'environment,power')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

  const [historyMs, historyIntervalMs] = parseHistory(f('history'), f('interval'));
  const options: SimulationOptions = {
    url,
    historyMs,
    historyIntervalMs,
    devices: int('--devices', f('devices') ?? '1000', 1),
    sites: int('--sites', f('sites') ?? '10', 1),
    types,
    seed: seedFrom(f('seed') ?? '1'),
    gatewaySize: int('--gateway-size', f('gatewaySize') ?? '0', 0),
    devicePrefix: f('devicePrefix') ?? 'sim',
    sitePrefix: f('sitePrefix') ?? 'site',
    rate: num('--rate', f('rate') ?? '100', 0, true),
    durationS: num('--duration', f('duration') ?? '60', 0),
    qos: qos === '0' ? 0 : 1,
    clients: int('--clients', f('clients') ?? '4', 1),
    perDeviceCredentials: perDevice,
    devicePassword: f('devicePassword') ?? env.MQTT_DEVICE_PASSWORD ?? 'iotp-device-secret',
    removeCredentials: flags.removeCredentials === true,
    anomalyRate: num('--anomaly-rate', f('anomalyRate') ?? '0', 0),
    anomalyKinds: parseAnomalyKinds(f('anomalyKinds') ?? ANOMALY_KINDS.join(','), '--anomaly-kinds'),
    anomalyWarmupMs: f('anomalyWarmup') === undefined ? 0 : duration('--anomaly-warmup', f('anomalyWarmup') as string),
    status: flags.status !== false,
    clearRetained: flags.clearRetained === true,
    maxInFlight: int('--max-in-flight', f('maxInFlight') ?? '5000', 1),
    protocolVersion: protocol === '5' ? 5 : 4,
    progressEveryS: num('--progress-interval', f('progressInterval') ?? '5', 0.1),
    topicRoot: f('topicRoot') ?? 'sensors',
    answerCommands: flags.answerCommands === true,
    commandTopic: f('commandTopic') ?? 'devices/{deviceId}/cmd',
  };
  const commandTemplate = checkTopicTemplate(options.commandTopic);
  if (!commandTemplate.ok) throw new ConfigError('--command-topic', commandTemplate.problem);
  if (!/^[A-Za-z0-9._-]+$/.test(options.topicRoot))
    throw new ConfigError(
      '--topic-root',
      `expected one topic level (letters, digits, . _ -), got '${options.topicRoot}'`,
    );
  const username = f('username') ?? env.MQTT_SIMULATOR_USERNAME;
  const password = f('password') ?? env.MQTT_SIMULATOR_PASSWORD;
  if (username) options.username = username;
  if (password) options.password = password;
  const ca = f('ca') ?? env.MQTT_CA;
  if (ca) options.caFile = ca;
  const truth = f('truth');
  if (truth) options.truthFile = truth;
  const start = f('startTs');
  if (start) options.startTs = parseStartTs(start);
  if (perDevice) {
    const passwdFile = f('passwdFile') ?? env.MQTT_PASSWD_FILE;
    const pidFile = f('pidFile') ?? env.MQTT_PID_FILE;
    if (!passwdFile || !pidFile)
      throw new ConfigError(
        '--per-device-credentials',
        "needs Mosquitto's password file and pid file: set MQTT_PASSWD_FILE and MQTT_PID_FILE (the local stack's .stack/env does)",
      );
    options.passwdFile = passwdFile;
    options.pidFile = pidFile;
  }
  return options;
}
