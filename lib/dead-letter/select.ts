import { parseDuration } from '../config/duration.js';
import { ConfigError } from '../errors.js';
import type { ConsumedRecord } from '../kafka/types.js';
import { DLQ_HEADERS } from './headers.js';

/**
 * Which dead letters a `iotp dlq` command looks at. Every field narrows; an empty filter takes all.
 * Times are the refusal time (`error.time`, else the record timestamp), inclusive.
 */
export interface DeadLetterFilter {
  /** `error.reason` codes. */
  reasons?: string[];
  /** `error.stage` values (mqtt-source, streams, influxdb-sink). */
  stages?: string[];
  /** Where the refused record came from: `source.topic`, or the MQTT topic (`mqtt.topic`). */
  topics?: string[];
  sinceMs?: number;
  untilMs?: number;
  /** A partition of the dead-letter topic, and an offset range in it (inclusive). */
  partition?: number;
  fromOffset?: bigint;
  toOffset?: bigint;
}

/** The stream runtime's stages as it wrote them before the shared vocabulary (`error.stage`). */
const LEGACY_STREAMS_STAGES = new Set(['deserialization', 'processing', 'punctuation', 'production']);

/** `error.stage`, with the stream runtime's former stage names read as `streams`. */
export function stageOf(record: ConsumedRecord): string {
  const stage = record.headers[DLQ_HEADERS.stage] ?? '';
  return LEGACY_STREAMS_STAGES.has(stage) ? 'streams' : stage;
}

/** `error.reason` (empty when missing). */
export function reasonOf(record: ConsumedRecord): string {
  return record.headers[DLQ_HEADERS.reason] ?? '';
}

/** Where the refused record came from: its Kafka topic, or `mqtt:<topic>` for an MQTT message. */
export function originOf(record: ConsumedRecord): string {
  const topic = record.headers[DLQ_HEADERS.sourceTopic];
  if (topic) return topic;
  const mqtt = record.headers['mqtt.topic'];
  return mqtt ? `mqtt:${mqtt}` : '';
}

/** When the record was refused: `error.time`, else the record's timestamp (epoch ms). */
export function refusedAt(record: ConsumedRecord): number {
  const text = record.headers[DLQ_HEADERS.time];
  const ms = text ? Date.parse(text) : Number.NaN;
  return Number.isFinite(ms) ? ms : record.timestamp;
}

/** A replay receipt (written by `iotp dlq replay`), not a dead letter. */
export function isReceipt(record: ConsumedRecord): boolean {
  return record.headers[DLQ_HEADERS.replayReceipt] !== undefined;
}

/** True when the dead letter passes every condition of the filter. */
export function matchesFilter(record: ConsumedRecord, filter: DeadLetterFilter): boolean {
  if (filter.reasons?.length && !filter.reasons.includes(reasonOf(record))) return false;
  if (filter.stages?.length && !filter.stages.includes(stageOf(record))) return false;
  if (filter.topics?.length) {
    const origin = originOf(record);
    if (!filter.topics.some((t) => origin === t || origin === `mqtt:${t}`)) return false;
  }
  const at = refusedAt(record);
  if (filter.sinceMs !== undefined && at < filter.sinceMs) return false;
  if (filter.untilMs !== undefined && at > filter.untilMs) return false;
  if (filter.partition !== undefined && record.partition !== filter.partition) return false;
  const offset = BigInt(record.offset);
  if (filter.fromOffset !== undefined && offset < filter.fromOffset) return false;
  if (filter.toOffset !== undefined && offset > filter.toOffset) return false;
  return true;
}

/**
 * A time bound of a command line: a duration before `nowMs` (`90m`, `1d`), an ISO-8601 time or
 * epoch ms. The error names the flag.
 *
 * @example parseTimeBound('--since', '1h', Date.now()); // an hour ago
 */
export function parseTimeBound(flag: string, text: string, nowMs: number): number {
  const ago = parseDuration(text);
  if (ago !== undefined && !/^\d+$/.test(text.trim())) return nowMs - ago;
  const epoch = /^\d+$/.test(text.trim()) ? Number(text) : Date.parse(text);
  if (Number.isFinite(epoch)) return epoch;
  throw new ConfigError(
    flag,
    `expected a duration before now (30m, 2h, 1d), an ISO-8601 time or epoch ms, got '${text}'`,
  );
}

/** An offset of the command line (a non-negative integer). */
export function parseOffset(flag: string, text: string): bigint {
  if (!/^\d+$/.test(text.trim()))
    throw new ConfigError(flag, `expected an offset (a non-negative integer), got '${text}'`);
  return BigInt(text.trim());
}
