import type { IotpError } from '../../../lib/errors.js';
import type { OutputRecord, RawRecord } from '../record.js';
import type { ErrorStage } from './handlers.js';

/** The default dead-letter topic of the pipeline. */
export const DEFAULT_DLQ_TOPIC = 'telemetry.dlq';

/**
 * A dead-letter record: the original key and value bytes untouched, the original headers, plus
 * headers naming the stage, reason, code, step, source topic/partition/offset and time (ISO-8601 of
 * the injected clock).
 *
 * @example
 *   deadLetter('telemetry.dlq', raw, 'deserialization', error, 'readings', clock());
 */
export function deadLetter(
  topic: string,
  raw: RawRecord | undefined,
  stage: ErrorStage,
  error: IotpError,
  step: string | undefined,
  nowMs: number,
): OutputRecord {
  const headers: Record<string, string> = {
    ...(raw?.headers ?? {}),
    'error.stage': stage,
    'error.reason': error.message.slice(0, 1000),
    'error.code': error.code,
    'error.time': new Date(nowMs).toISOString(),
  };
  if (step !== undefined) headers['error.step'] = step;
  if (raw !== undefined) {
    headers['source.topic'] = raw.topic;
    headers['source.partition'] = String(raw.partition);
    headers['source.offset'] = raw.offset;
    headers['source.timestamp'] = String(raw.timestamp);
  }
  return {
    topic,
    key: raw?.key ?? null,
    value: raw?.value ?? null,
    timestamp: raw?.timestamp ?? nowMs,
    headers,
  };
}
