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

/**
 * `encodePlan` without waiting, for the hot path: the records when every topic is known to exist
 * and every schema id is known already, else undefined (then use `encodePlan`). Never throws: a
 * value the encoder refuses gives undefined too, and `encodePlan` then says why.
 */
export function encodePlanNow(
  plan: MessagePlan,
  ctx: Pick<EncodeContext, 'encoder' | 'topics'>,
): ProducerRecord[] | undefined {
  const out: ProducerRecord[] = [];
  try {
    for (const r of plan.records) {
      if (r.kind === 'dead-letter') {
        out.push(r.record);
        continue;
      }
      if (!ctx.topics.known(r.topic)) return undefined;
      const value = ctx.encoder.encodeSync(r.subject, r.schemaName, r.value);
      if (value === undefined) return undefined;
      out.push({ topic: r.topic, key: r.key, value, timestamp: r.timestamp, headers: r.headers });
    }
  } catch {
    return undefined;
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
