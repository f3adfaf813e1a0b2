/**
 * How many devices and readings/s one simulator process sustains against the stack's Mosquitto.
 *
 *   node_modules/.bin/tsx bench/sim/simulator-capacity.ts --qos 1 --devices 20000 --rates 5000,10000,20000 \
 *     [--duration 10] [--clients 2] [--gateway-size 0] [--per-device-credentials] [--subscriber] [--max-in-flight 1000]
 *
 * One run per rate, in this process (the CLI's code path: runSimulation). Readings go to
 * `bench-sensors/...` on the anonymous listener, so no pipeline consumer picks the load up; with
 * --per-device-credentials they go to `sensors/...` on the password listener (the per-device ACL
 * allows nothing else, and Mosquitto silently drops denied QoS 0/1 publishes, PUBACK included).
 * `--subscriber` adds a mosquitto_sub on `<root>/#` (same QoS) so that Mosquitto also
 * delivers every message, as it would to the MQTT source. A rate is sustained when the acked
 * readings/s over the whole run (drain included) reach 97% of the asked rate with no error.
 * Prints one JSON line per run: simulator CPU (% of one core), Mosquitto CPU, RSS.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { loadStackEnv } from '../../lib/runtime/stack-env.js';
import { runSimulation } from '../../sim/run-simulation.js';
import { resolveSimulationOptions } from '../../sim/simulation-options.js';

const { values } = parseArgs({
  options: {
    qos: { type: 'string', default: '1' },
    devices: { type: 'string', default: '10000' },
    rates: { type: 'string', default: '5000,10000' },
    duration: { type: 'string', default: '10' },
    clients: { type: 'string', default: '4' },
    'gateway-size': { type: 'string', default: '0' },
    'max-in-flight': { type: 'string', default: '5000' },
    'per-device-credentials': { type: 'boolean', default: false },
    subscriber: { type: 'boolean', default: false },
  },
});

const env = loadStackEnv();
const mosquittoPid = env.MQTT_PID_FILE ? Number(readFileSync(env.MQTT_PID_FILE, 'utf8').trim()) : undefined;
/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const perDevice = values['per-device-credentials'] === true;
const root = perDevice ? 'sensors' : 'bench-sensors';
for (const rate of (values.rates as string).split(',').map(Number)) {
  const prefix = `bench${Date.now().toString(36)}`;
  // On the anonymous listener (routing is broker-wide), output discarded: its reading costs no CPU here.
  const sub = values.subscriber
    ? spawn('mosquitto_sub', ['-L', `${env.MQTT_URL}/${root}/#`, '-q', values.qos as string], { stdio: 'ignore' })
    : undefined;
  if (sub) await sleep(500);
  const options = resolveSimulationOptions(
    {
      devices: values.devices,
      rate: String(rate),
      duration: values.duration,
      qos: values.qos,
      clients: values.clients,
      gatewaySize: values['gateway-size'],
      maxInFlight: values['max-in-flight'],
      perDeviceCredentials: perDevice,
      removeCredentials: perDevice,
      devicePrefix: prefix,
      topicRoot: root,
      clearRetained: true,
      ...(perDevice ? {} : { url: env.MQTT_URL }),
    },
    env,
  );
  const cpu0 = process.cpuUsage();
  const mosq0 = mosquittoPid ? cpuSeconds(mosquittoPid) : 0;
  let rssPeak = 0;
  const t0 = performance.now();
  const summary = await runSimulation(options, {
    now: Date.now,
    sleep: (ms) => sleep(ms),
    onProgress: () => {
      rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
    },
  });
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  sub?.kill('SIGTERM');
  const line = {
    devices: summary.devices,
    gateways: summary.gateways,
    clients: summary.clients,
    qos: summary.qos,
    subscriber: sub !== undefined,
    askedRate: rate,
    achievedRate: summary.achievedRate,
    sustained: summary.achievedRate >= rate * 0.97 && summary.errors === 0,
    readingsAcked: summary.readings.acked,
    errors: summary.errors,
    maxBehindMessages: summary.maxBehind,
    connectMs: summary.connectMs,
    credentials: summary.credentials,
    simulatorCpuPct: Math.round(((cpu.user + cpu.system) / 1e6 / wallS) * 100),
    mosquittoCpuPct: mosquittoPid ? Math.round(((cpuSeconds(mosquittoPid) - mosq0) / wallS) * 100) : undefined,
    rssPeakMiB: Math.round(rssPeak / 2 ** 20),
    wallS: Math.round(wallS * 10) / 10,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  await sleep(1000);
}
