import type { Logger } from 'pino';
import type { KafkaClient } from '../kafka/types.js';

/**
 * The largest record the Kafka clients send: librdkafka refuses larger ones itself
 * (`message.max.bytes`, default 1,000,000), and kafkajs must stay as portable.
 */
export const CLIENT_MAX_RECORD_BYTES = 1_000_000;
/** Room kept for what the estimate cannot see (batch framing of a future protocol, rounding). */
const MARGIN_BYTES = 1024;
/** The bound to use before the broker's is known. */
export const DEFAULT_MAX_RECORD_BYTES = CLIENT_MAX_RECORD_BYTES - MARGIN_BYTES;

/**
 * The bound a dead letter must fit, read once at start: the dead-letter topic's effective
 * `max.message.bytes` (its own override or the broker default), and never more than the clients
 * send. If the broker cannot say, the client bound is used and a warning logged.
 *
 * @example
 *   const maxRecordBytes = await deadLetterMaxBytes(kafka, 'telemetry.dlq', log);
 */
export async function deadLetterMaxBytes(kafka: KafkaClient, topic: string, log: Logger): Promise<number> {
  const admin = kafka.admin();
  let brokerMax: number | undefined;
  try {
    await admin.connect();
    const config = await admin.topicConfig(topic);
    const value = Number(config?.['max.message.bytes']);
    if (Number.isFinite(value) && value > 0) brokerMax = value;
  } catch (error) {
    log.warn({ err: error, topic }, 'could not read the dead-letter topic max.message.bytes; using the client bound');
  } finally {
    await admin.disconnect().catch(() => {});
  }
  return Math.min(brokerMax ?? CLIENT_MAX_RECORD_BYTES, CLIENT_MAX_RECORD_BYTES) - MARGIN_BYTES;
}
