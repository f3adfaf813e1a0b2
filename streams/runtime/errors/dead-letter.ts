import { DLQ_HEADERS } from '../../../lib/dead-letter/headers.js';
import type { ReasonOf } from '../../../lib/dead-letter/reasons.js';
import type { IotpError } from '../../../lib/errors.js';
import type { OutputRecord, RawRecord } from '../record.js';
import type { ErrorStage } from './handlers.js';

/** The default dead-letter topic of the pipeline. */
export const DEFAULT_DLQ_TOPIC = 'telemetry.dlq';

/** `error.stage` of every dead letter the stream runtime writes. */
export const STREAMS_STAGE = 'streams';

/**
 * The `error.reason` code (lib/dead-letter/reasons.ts) of a failure at a runtime stage: an invalid
 * event time is INVALID_TIMESTAMP, any other deserialization failure DESERIALIZATION_FAILED, and
 * PROCESSING_FAILED, PUNCTUATION_FAILED or PRODUCTION_FAILED after the stage.
 */
export function streamsReason(stage: ErrorStage, error: IotpError): ReasonOf<'streams'> {
  switch (stage) {
    case 'deserialization':
      return error.code === 'STREAMS_INVALID_TIMESTAMP' ? 'INVALID_TIMESTAMP' : 'DESERIALIZATION_FAILED';
    case 'processing':
      return 'PROCESSING_FAILED';
    case 'punctuation':
      return 'PUNCTUATION_FAILED';
    case 'production':
      return 'PRODUCTION_FAILED';
  }
}

/** Who wrote the dead letter: the application id and task (`error.source`). */
export interface DeadLetterSource {
  applicationId: string;
  taskId: string;
}

/**
 * A dead-letter record: the original key and value bytes untouched, the original headers, plus
 * the shared vocabulary (lib/dead-letter/headers.ts): `error.stage` = streams, `error.reason` (a
 * code of the reason table), `error.code` (the detailed code), `error.message`, `error.step`,
 * `error.time` (ISO-8601 of the injected clock), `error.source` and `source.topic/partition/offset/timestamp`.
 *
 * @example
 *   deadLetter('telemetry.dlq', raw, 'deserialization', error, 'readings', clock(), { applicationId: 'app', taskId: '0' });
 *   // headers: { 'error.stage': 'streams', 'error.reason': 'DESERIALIZATION_FAILED', 'error.code': 'SERDE_MAGIC_BYTE', ... }
 */
export function deadLetter(
  topic: string,
  raw: RawRecord | undefined,
  stage: ErrorStage,
  error: IotpError,
  step: string | undefined,
  nowMs: number,
  source?: DeadLetterSource,
): OutputRecord {
  const headers: Record<string, string> = {
    ...(raw?.headers ?? {}),
    [DLQ_HEADERS.stage]: STREAMS_STAGE,
    [DLQ_HEADERS.reason]: streamsReason(stage, error),
    [DLQ_HEADERS.code]: error.code,
    [DLQ_HEADERS.message]: `${stage}: ${error.message}`.slice(0, 1000),
    [DLQ_HEADERS.time]: new Date(nowMs).toISOString(),
  };
  if (source !== undefined) headers[DLQ_HEADERS.source] = `${source.applicationId}/task-${source.taskId}`;
  if (step !== undefined) headers[DLQ_HEADERS.step] = step;
  if (raw !== undefined) {
    headers[DLQ_HEADERS.sourceTopic] = raw.topic;
    headers[DLQ_HEADERS.sourcePartition] = String(raw.partition);
    headers[DLQ_HEADERS.sourceOffset] = raw.offset;
    headers[DLQ_HEADERS.sourceTimestamp] = String(raw.timestamp);
  }
  return {
    topic,
    key: raw?.key ?? null,
    value: raw?.value ?? null,
    timestamp: raw?.timestamp ?? nowMs,
    headers,
  };
}
