import type { Command } from 'commander';
import { renderDeadLetter, renderReplay, renderStats } from '../lib/dead-letter/render.js';
import { replayDeadLetters } from '../lib/dead-letter/replay.js';
import { scanDeadLetters } from '../lib/dead-letter/scan.js';
import {
  type DeadLetterFilter,
  isReceipt,
  matchesFilter,
  parseOffset,
  parseTimeBound,
} from '../lib/dead-letter/select.js';
import { tallyDeadLetters } from '../lib/dead-letter/stats.js';
import { ConfigError } from '../lib/errors.js';
import type { ConsumedRecord } from '../lib/kafka/types.js';
import { commandContext } from './command-context.js';

interface FilterFlags {
  config?: string;
  since?: string;
  until?: string;
  reason?: string;
  stage?: string;
  topic?: string;
  partition?: string;
  fromOffset?: string;
  toOffset?: string;
  json?: boolean;
}

const list = (text: string | undefined) =>
  text
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

function filterOf(flags: FilterFlags, nowMs: number): DeadLetterFilter {
  const filter: DeadLetterFilter = {};
  const reasons = list(flags.reason);
  const stages = list(flags.stage);
  const topics = list(flags.topic);
  if (reasons) filter.reasons = reasons;
  if (stages) filter.stages = stages;
  if (topics) filter.topics = topics;
  if (flags.since) filter.sinceMs = parseTimeBound('--since', flags.since, nowMs);
  if (flags.until) filter.untilMs = parseTimeBound('--until', flags.until, nowMs);
  if (flags.partition !== undefined) filter.partition = Number(parseOffset('--partition', flags.partition));
  if (flags.fromOffset !== undefined) filter.fromOffset = parseOffset('--from-offset', flags.fromOffset);
  if (flags.toOffset !== undefined) filter.toOffset = parseOffset('--to-offset', flags.toOffset);
  if ((filter.fromOffset !== undefined || filter.toOffset !== undefined) && filter.partition === undefined)
    throw new ConfigError('--from-offset', 'expected --partition too: offsets are per partition');
  return filter;
}

function setup(flags: FilterFlags) {
  const ctx = commandContext('dlq', flags.config);
  return { ...ctx, client: ctx.kafka('dlq') };
}

function withFilterOptions(cmd: Command): Command {
  return cmd
    .option(
      '-c, --config <file>',
      'pipeline YAML (kafka: and the dead-letter topic); default $IOTP_CONFIG or config/pipeline.yaml',
    )
    .option('--since <time>', 'refused at or after: a duration before now (1h, 2d), ISO-8601 or epoch ms')
    .option('--until <time>', 'refused at or before (same forms)')
    .option('--reason <codes>', 'error.reason codes, comma-separated (docs/ARCHITECTURE.md, "Dead letters")')
    .option('--stage <stages>', 'mqtt-source, streams, influxdb-sink (comma-separated)')
    .option('--topic <topics>', 'where the record came from: its Kafka topic or MQTT topic (comma-separated)')
    .option('--partition <n>', 'only this partition of the dead-letter topic')
    .option('--from-offset <n>', 'first offset (with --partition)')
    .option('--to-offset <n>', 'last offset, inclusive (with --partition)')
    .option('--json', 'JSON output');
}

/** `iotp dlq stats|show|replay`: look at the dead-letter topic and send dead letters back once the cause is fixed. */
export function registerDlqCommands(program: Command): void {
  const dlq = program.command('dlq').description('the dead-letter topic: counts, records, replay');
  withFilterOptions(dlq.command('stats').description('dead letters by stage, reason and topic')).action(
    async (flags: FilterFlags) => {
      const { config, client, run } = setup(flags);
      const filter = filterOf(flags, Date.now());
      const selected: ConsumedRecord[] = [];
      let receipts = 0;
      await run(() =>
        scanDeadLetters(client, config.kafka.topics.dlq, (r) => {
          if (isReceipt(r)) receipts += 1;
          else if (matchesFilter(r, filter)) selected.push(r);
        }),
      );
      const rows = tallyDeadLetters(selected);
      process.stdout.write(flags.json ? `${JSON.stringify({ rows, receipts })}\n` : renderStats(rows, receipts));
    },
  );
  withFilterOptions(
    dlq.command('show').description('dead letters with their headers and a safe preview of the payload'),
  )
    .option('--limit <n>', 'at most this many (the latest)', '20')
    .option('--bytes <n>', 'payload bytes to preview', '256')
    .action(async (flags: FilterFlags & { limit: string; bytes: string }) => {
      const { config, client, run } = setup(flags);
      const filter = filterOf(flags, Date.now());
      const limit = Number(parseOffset('--limit', flags.limit));
      const bytes = Number(parseOffset('--bytes', flags.bytes));
      const selected: ConsumedRecord[] = [];
      await run(() =>
        scanDeadLetters(client, config.kafka.topics.dlq, (r) => {
          if (!isReceipt(r) && matchesFilter(r, filter)) selected.push(r);
        }),
      );
      const shown = selected.sort((a, b) => a.timestamp - b.timestamp).slice(-limit);
      for (const r of shown)
        process.stdout.write(
          flags.json
            ? `${JSON.stringify({ topic: r.topic, partition: r.partition, offset: r.offset, timestamp: r.timestamp, key: r.key?.toString('base64') ?? null, headers: r.headers, value: r.value?.toString('base64') ?? null })}\n`
            : renderDeadLetter(r, bytes),
        );
      if (!flags.json) process.stdout.write(`${shown.length} of ${selected.length} dead letter(s) shown\n`);
    });
  withFilterOptions(
    dlq
      .command('replay')
      .description(
        'send selected dead letters back where they came from (dry run unless --execute); MQTT dead letters go through the connector checks again',
      ),
  )
    .option('--execute', 'send (default: a dry run that only says what would happen)')
    .option('--limit <n>', 'at most this many dead letters (the first in offset order)')
    .action(async (flags: FilterFlags & { execute?: boolean; limit?: string }) => {
      const { config, client, log, run, registry } = setup(flags);
      const filter = filterOf(flags, Date.now());
      // Loaded on use: only replay needs the connector's checks.
      const { mqttResenderFromPipeline } = await import('../connectors/mqtt-source/replay-dead-letter.js');
      const mqtt = await run(() => mqttResenderFromPipeline(config, client, registry(), log));
      const report = await run(() =>
        replayDeadLetters({
          client,
          dlqTopic: config.kafka.topics.dlq,
          filter,
          execute: flags.execute === true,
          resenders: { 'mqtt-source': mqtt },
          transactionalId: `${config.kafka.clientId}-dlq-replay`,
          ...(flags.limit === undefined ? {} : { limit: Number(parseOffset('--limit', flags.limit)) }),
          log,
        }),
      );
      process.stdout.write(
        flags.json
          ? `${JSON.stringify({ ...report, outcomes: report.outcomes.map(({ deadLetter: _d, ...o }) => o) })}\n`
          : renderReplay(report),
      );
    });
}
