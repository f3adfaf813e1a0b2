import type { ConsumedRecord, ProducerRecord } from '../kafka/types.js';
import { DLQ_HEADERS, deadLetterCoordinates } from './headers.js';
import { reasonOf, stageOf } from './select.js';

/** Why a dead letter is not sent back. */
export type ReplayRefusal =
  /** Its payload was cut to fit Kafka: the original bytes are gone. */
  | 'PAYLOAD_TRUNCATED'
  /** It is the dead letter of a replayed record: a replay of a replay is refused. */
  | 'REPLAY_OF_REPLAY'
  /** A receipt says it was replayed already (replay is idempotent). */
  | 'ALREADY_REPLAYED'
  /** It does not say where it came from (no `source.topic`, no `mqtt.topic`). */
  | 'NO_SOURCE'
  /** No way to send back what this stage refused (an unknown `error.stage`). */
  | 'UNKNOWN_STAGE'
  /** The stage's resender refused it (it says why). */
  | 'NOT_REPLAYABLE';

/** One dead letter of a replay: what happens to it. */
export interface ReplayItem {
  deadLetter: ConsumedRecord;
  /** `<topic>/<partition>/<offset>` of the dead letter. */
  coordinates: string;
  stage: string;
  reason: string;
  refused?: { code: ReplayRefusal; why: string };
}

/**
 * Decides, without I/O, which selected dead letters may be sent back: not a truncated payload,
 * not the dead letter of a replay, not one a receipt says was replayed, one that says where it
 * came from. Receipts are skipped by the caller.
 *
 * @example planReplay(selected, receipts).filter((i) => !i.refused).length; // how many go back
 */
export function planReplay(selected: readonly ConsumedRecord[], replayed: ReadonlySet<string>): ReplayItem[] {
  return selected.map((deadLetter) => {
    const coordinates = deadLetterCoordinates(deadLetter);
    const stage = stageOf(deadLetter);
    const item: ReplayItem = { deadLetter, coordinates, stage, reason: reasonOf(deadLetter) };
    const h = deadLetter.headers;
    if (h[DLQ_HEADERS.payloadTruncated] === 'true')
      item.refused = {
        code: 'PAYLOAD_TRUNCATED',
        why: `the payload was cut to fit Kafka (${h[DLQ_HEADERS.payloadSize] ?? '?'} bytes, sha256 ${h[DLQ_HEADERS.payloadSha256] ?? '?'}): the original bytes are not here to send`,
      };
    else if (h[DLQ_HEADERS.replayOf] !== undefined)
      item.refused = {
        code: 'REPLAY_OF_REPLAY',
        why: `it is the dead letter of a replay of ${h[DLQ_HEADERS.replayOf]}: fix the cause, then look at that one`,
      };
    else if (replayed.has(coordinates))
      item.refused = { code: 'ALREADY_REPLAYED', why: 'a receipt in the dead-letter topic says it was replayed' };
    else if (stage === 'mqtt-source' ? !h['mqtt.topic'] : !h[DLQ_HEADERS.sourceTopic])
      item.refused = { code: 'NO_SOURCE', why: 'no source.topic or mqtt.topic header says where it came from' };
    return item;
  });
}

/** Headers the dead-letter stages add: a record sent back carries none of them. */
const DEAD_LETTER_PREFIXES = ['error.', 'source.', 'payload.', 'influx.', 'replay.'];

/**
 * The record a streams or sink dead letter came from, ready to go back to its topic: key, value and
 * the original headers untouched, to the partition and with the record timestamp of the original
 * (`source.partition`, `source.timestamp`).
 */
export function backToSource(deadLetter: ConsumedRecord): ProducerRecord {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(deadLetter.headers))
    if (!DEAD_LETTER_PREFIXES.some((p) => name.startsWith(p))) headers[name] = value;
  const timestamp = Number(deadLetter.headers[DLQ_HEADERS.sourceTimestamp]);
  const partition = Number(deadLetter.headers[DLQ_HEADERS.sourcePartition]);
  return {
    topic: deadLetter.headers[DLQ_HEADERS.sourceTopic] as string,
    key: deadLetter.key,
    value: deadLetter.value,
    timestamp: Number.isFinite(timestamp) ? timestamp : deadLetter.timestamp,
    headers,
    ...(Number.isInteger(partition) && partition >= 0 ? { partition } : {}),
  };
}

/** A copy of `record` marked as sent by the replay of the dead letter at `coordinates`. */
export function withReplayMarker(record: ProducerRecord, coordinates: string, nowMs: number): ProducerRecord {
  return {
    ...record,
    headers: {
      ...(record.headers ?? {}),
      [DLQ_HEADERS.replayOf]: coordinates,
      [DLQ_HEADERS.replayTime]: new Date(nowMs).toISOString(),
    },
  };
}

/** The receipt of a replayed dead letter: no key, no value, its coordinates (written to the dead-letter topic). */
export function replayReceipt(dlqTopic: string, coordinates: string, nowMs: number): ProducerRecord {
  return {
    topic: dlqTopic,
    key: null,
    value: null,
    timestamp: nowMs,
    headers: { [DLQ_HEADERS.replayReceipt]: coordinates, [DLQ_HEADERS.replayTime]: new Date(nowMs).toISOString() },
  };
}
