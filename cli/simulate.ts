import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { formatDuration } from '../lib/config/duration.js';
import { createLogger } from '../lib/runtime/log.js';
import { loadStackEnv } from '../lib/runtime/stack-env.js';
import { createHistoryProgress } from '../sim/history-progress.js';
import { createProgressReporter, type ProgressReporter } from '../sim/progress-reporter.js';
import { runSimulation, type SimulationSummary } from '../sim/run-simulation.js';
import { resolveSimulationOptions, type SimulationFlags } from '../sim/simulation-options.js';

/** `iotp simulate`: a swarm of simulated devices publishing to MQTT (see sim/). */
export function registerSimulateCommands(program: Command): void {
  program
    .command('simulate')
    .description('simulate N devices publishing readings over MQTT, with injected anomalies and their ground truth')
    .option('--devices <n>', 'number of devices', '1000')
    .option('--sites <n>', 'number of sites the devices are spread over', '10')
    .option('--types <list>', 'sensor types, comma-separated', 'environment,power')
    .option('--rate <readings/s>', 'total readings per second over the fleet', '100')
    .option('--duration <s>', 'seconds to run (0 = until SIGINT)', '60')
    .option('--seed <seed>', 'seed for signals and anomalies (same seed, same readings)', '1')
    .option('--qos <0|1>', 'MQTT QoS of readings', '1')
    .option('--gateway-size <k>', 'leaf devices per gateway (one JSON array per gateway); 0 = none', '0')
    .option('--clients <n>', 'MQTT connections of the shared simulator identity', '4')
    .option(
      '--per-device-credentials',
      "one MQTT user and connection per device (or gateway), created in the stack's Mosquitto",
    )
    .option(
      '--device-password <p>',
      'password of the per-device users (default MQTT_DEVICE_PASSWORD or a fixed test one)',
    )
    .option('--remove-credentials', 'remove the per-device users again at the end')
    .option('--url <url>', 'MQTT URL (default MQTT_URL; MQTT_AUTH_URL with --per-device-credentials)')
    .option('--username <user>', 'shared identity (default MQTT_SIMULATOR_USERNAME)')
    .option('--password <password>', 'shared identity password (default MQTT_SIMULATOR_PASSWORD)')
    .option('--ca <file>', 'CA file for mqtts:// (default MQTT_CA)')
    .option('--anomaly-rate <n>', 'anomalies started per device per hour of event time (history and live)', '0')
    .option(
      '--anomaly-kinds <list>',
      'spike,dip,level-shift,stuck,drift,noise-burst (noise),missing (silent, dropout),malformed or all',
      'all',
    )
    .option(
      '--anomaly-warmup <duration>',
      "no anomaly starts in the run's first <duration> of event time (the detectors' warm-up), e.g. 10h",
    )
    .option(
      '--history <duration>',
      "first publish every device's readings of the past <duration> (e.g. 1d, 12h; at most 6d), as fast as the broker acks them",
    )
    .option('--interval <duration>', 'spacing of the --history readings per device (e.g. 1m, 30s)', '1m')
    .option('--truth <file>', 'write the ground truth of injected anomalies here (JSON lines)')
    .option('--device-prefix <prefix>', 'device ids are <prefix>-000042', 'sim')
    .option('--site-prefix <prefix>', 'sites are <prefix>-01, <prefix>-02, ...', 'site')
    .option(
      '--start-ts <time>',
      'event time of the first live reading (epoch ms or ISO-8601; default now, after the history)',
    )
    .option('--max-in-flight <n>', 'unacked messages before the simulator waits', '5000')
    .option('--protocol-version <4|5>', 'MQTT 3.1.1 (4) or 5', '4')
    .option('--no-status', 'no retained ONLINE/OFFLINE status messages and no Last Will')
    .option('--clear-retained', 'at the end, delete the retained status messages instead of leaving OFFLINE')
    .option(
      '--topic-root <level>',
      'first topic level (another root keeps a load test away from the pipeline)',
      'sensors',
    )
    .option('--answer-commands', 'devices subscribe to their command topic and answer each command on <topic>/ack')
    .option('--command-topic <template>', 'command topic of a device (commands.mqttTopic)', 'devices/{deviceId}/cmd')
    .option('--progress-interval <s>', 'seconds between JSON progress lines when stderr is not a terminal', '5')
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', HISTORY_HELP)
    .action(async (flags: SimulationFlags, command: Command) => {
      // --interval has a default for the help; it is an error only when the user gave it without --history.
      const given = command.getOptionValueSource('interval') === 'cli';
      const options = resolveSimulationOptions(
        { ...flags, interval: given ? flags.interval : undefined },
        loadStackEnv(),
      );
      const log = createLogger('simulator', { level: process.env.LOG_LEVEL ?? 'warn' });
      const controller = new AbortController();
      let interrupts = 0;
      const onSignal = () => {
        interrupts += 1;
        if (interrupts > 1) process.exit(130);
        process.stderr.write('\nsimulate: stopping (waiting for acks; interrupt again to quit at once)\n');
        controller.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const totalReadings = options.durationS > 0 ? Math.round(options.rate * options.durationS) : undefined;
      const history =
        options.historyMs > 0
          ? createHistoryProgress({ stream: process.stderr, everyS: options.progressEveryS })
          : undefined;
      // The live bar starts when the live part does (after the history's bar).
      let progress: ProgressReporter | undefined;
      const liveProgress = () => {
        if (!progress) {
          history?.stop();
          progress = createProgressReporter({
            stream: process.stderr,
            everyS: options.progressEveryS,
            ...(totalReadings === undefined ? {} : { totalReadings }),
          });
        }
        return progress;
      };
      let summary: SimulationSummary;
      try {
        summary = await runSimulation(options, {
          now: Date.now,
          sleep: (ms) => sleep(ms),
          log,
          signal: controller.signal,
          onProgress: (s) => liveProgress().update(s),
          ...(history ? { onHistoryProgress: (s) => history.update(s) } : {}),
        });
      } finally {
        if (progress) progress.stop();
        else history?.stop();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      process.stdout.write(flags.json ? `${JSON.stringify(summary)}\n` : formatSummary(summary));
    });
}

const HISTORY_HELP = `
History (--history <duration> --interval <d>):
  Before the live part, every device's readings of the past <duration> at <d> spacing are published
  through MQTT (and so through the MQTT source into Kafka), round by round: every device's reading at
  t0, then at t0 + d, ..., so event time advances evenly across the fleet. Nothing paces them: QoS 1
  with at most --max-in-flight unacked messages is the only backpressure. The history goes on until
  its event time reaches the wall clock, then the live part (--rate, --duration) continues each
  device's series at its own interval (devices / rate), with no jump. Anomalies are injected in the
  history too (--anomaly-rate per device-hour of event time).
  Limits: at most 6d (Kafka's 7-day time retention deletes records with older timestamps, and the
  MQTT source refuses event times more than 7 days old, limits.maxPastMs); the MQTT source refuses
  event times more than mqtt.maxClockSkew (5 min) ahead of its clock and the Kafka broker more than
  1 h ahead, so a --start-ts with --history may be at most 5 min in the future.
  Backpressure: a PUBACK means Mosquitto has the message, not the MQTT source: what the connector
  has not taken yet waits in its session (max_queued_messages, 1,000,000 in the local stack; more is
  dropped). Keep devices x history / interval well below that when the connector is slower than
  the simulator (local stack, 2 cores: ~8k readings/s published, ~4k/s into Kafka).
  Example: iotp simulate --devices 200 --history 1d --interval 1m --rate 400 --duration 60 --anomaly-rate 0.5
`;

const time = (ts: number) => new Date(ts).toISOString().replace('.000Z', 'Z');

function kindList(byKind: Record<string, number>): string {
  return Object.entries(byKind)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}

function formatSummary(s: SimulationSummary): string {
  const kinds = kindList(s.anomalies.byKind);
  const h = s.history;
  const historyLines = h
    ? [
        `history      ${formatDuration(h.requestedMs)} at ${formatDuration(h.intervalMs)} (${time(h.startTs)} .. ${time(h.endTs)}, ${h.rounds} rounds${h.caughtUp ? '' : ', stopped before catching up with the clock'}), ${h.achievedRate} readings/s, ${(h.elapsedMs / 1000).toFixed(1)} s`,
        `             readings due ${h.readings.due}, sent ${h.readings.sent}, acked ${h.readings.acked}, malformed ${h.readings.malformed}, errors ${h.errors}`,
        `live         ${s.live ? `from ${time(s.live.startTs)} every ${formatDuration(Math.round(s.live.intervalMs))} per device${Math.round(s.live.intervalMs) === h.intervalMs ? '' : ` (history every ${formatDuration(h.intervalMs)})`}, ${h.gapMs} ms after the last history round; readings sent ${s.live.readings.sent}, acked ${s.live.readings.acked}` : ''}`,
      ]
    : [];
  const lines = [
    `devices      ${s.devices} (${s.gateways > 0 ? `${s.gateways} gateways, ` : ''}${s.sites} sites, ${s.types.join('+')})`,
    `clients      ${s.clients} connected in ${s.connectMs} ms${s.reconnects ? `, ${s.reconnects} reconnects` : ''}`,
    `rate         ${s.achievedRate} readings/s achieved of ${s.rate} asked, QoS ${s.qos}, ${(s.elapsedMs / 1000).toFixed(1)} s`,
    `readings     due ${s.readings.due}, sent ${s.readings.sent}, acked ${s.readings.acked}, malformed ${s.readings.malformed}`,
    `messages     sent ${s.messages.sent}, acked ${s.messages.acked}, errors ${s.errors}${s.firstError ? ` (first: ${s.firstError})` : ''}`,
    `behind       at most ${s.maxBehind} messages behind schedule`,
    ...historyLines,
    `anomalies    ${s.anomalies.total}${kinds ? ` (${kinds})` : ''}${s.truthFile ? ` -> ${s.truthFile}` : ''}`,
  ];
  if (s.anomalies.history)
    lines.push(
      `             in history: ${kindList(s.anomalies.history) || 'none'}; live: ${kindList(s.anomalies.live ?? {}) || 'none'}`,
    );
  if (s.commands)
    lines.push(
      `commands     received ${s.commands.received} (${s.commands.duplicates} duplicates), answered DONE ${s.commands.done}, REJECTED ${s.commands.rejected}`,
    );
  if (s.credentials)
    lines.push(
      `credentials  ${s.credentials.users} users in ${s.credentials.ms} ms, login ready after ${s.credentials.loginReadyMs} ms`,
    );
  return `${lines.join('\n')}\n`;
}
