import type { ProducerRecord } from '../../lib/kafka/types.js';
import { type DeadLetterOptions, deadLetterRecord } from './dead-letter-record.js';
import type { MqttMessage } from './mqtt-message.js';
import type { MessagePlan } from './process-message.js';
import type { RecordEncoder } from './record-encoder.js';
import type { TopicGuard } from './topic-guard.js';

export interface EncodeContext {
  encoder: RecordEncoder;
  topics: TopicGuard;
  /** The dead letter for a record whose Kafka topic does not exist. */
  missingTopic(topic: string): ProducerRecord;
}

/**
 * The Kafka records of a message's plan: dead letters as planned, values Avro-encoded in the
 * Confluent wire format; a value whose topic does not exist becomes one dead letter for the message
 * (it carries the whole raw payload). Encoding errors propagate (the caller decides: retry, or a
 * SCHEMA_VIOLATION / KAFKA_REJECTED dead letter).
 */
export async function encodePlan(plan: MessagePlan, ctx: EncodeContext): Promise<ProducerRecord[]> {
  const out: ProducerRecord[] = [];
  const missing = new Set<string>();
  for (const r of plan.records) {
    if (r.kind === 'dead-letter') {
      out.push(r.record);
      continue;
    }
    if (missing.has(r.topic)) continue;
    if (!(await ctx.topics.exists(r.topic))) {
      missing.add(r.topic); // one dead letter per message: it carries the whole raw payload
      out.push(ctx.missingTopic(r.topic));
      continue;
    }
    out.push({
      topic: r.topic,
      key: r.key,
      value: await ctx.encoder.encode(r.subject, r.schemaName, r.value),
      timestamp: r.timestamp,
      headers: r.headers,
    });
  }
  return out;
}

/** The UNKNOWN_ROUTE dead letter of a message whose route's Kafka topic does not exist. */
export function missingTopicDeadLetter(
  message: MqttMessage,
  topic: string,
  options: DeadLetterOptions,
): ProducerRecord {
  return deadLetterRecord(
    message,
    {
      reason: 'UNKNOWN_ROUTE',
      rule: 'kafka-topic',
      message: `the route's Kafka topic '${topic}' does not exist; create it (auto-creation is off)`,
    },
    options,
  );
}
