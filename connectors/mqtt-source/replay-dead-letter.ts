import type { Logger } from 'pino';
import type { LoadedPipelineConfig } from '../../lib/config/index.js';
import { DLQ_HEADERS } from '../../lib/dead-letter/headers.js';
import { deadLetterMaxBytes } from '../../lib/dead-letter/limits.js';
import type { Resender } from '../../lib/dead-letter/replay.js';
import { IotpError } from '../../lib/errors.js';
import type { ConsumedRecord, KafkaClient, ProducerRecord } from '../../lib/kafka/types.js';
import { type ParsedSchema, type SchemaRegistryClient, SerdeErrorCode } from '../../lib/serde/index.js';
import { deadLetterRecord } from './dead-letter-record.js';
import { encodePlan, missingTopicDeadLetter } from './encode-plan.js';
import type { MqttMessage } from './mqtt-message.js';
import type { MqttSourceOptions } from './options.js';
import { mqttSourceOptionsFromPipeline } from './options-from-pipeline.js';
import { type MessagePlan, processMessage } from './process-message.js';
import { processSetupFor } from './process-options.js';
import { createRecordEncoder } from './record-encoder.js';
import { pipelineSchemas } from './run-mqtt-source.js';
import { createTopicGuard } from './topic-guard.js';

/**
 * The MQTT message a dead letter of the MQTT source was made of: its raw payload (the dead
 * letter's value, untouched) and the `mqtt.*` headers (topic, QoS, retain, receive time). The
 * receive time is the original one, so event-time checks judge the reading as they did then.
 */
export function messageOfDeadLetter(deadLetter: ConsumedRecord): MqttMessage | string {
  const h = deadLetter.headers;
  const topic = h['mqtt.topic'];
  if (!topic) return 'no mqtt.topic header';
  const receivedAt = Number(h['mqtt.received_at']);
  if (!Number.isFinite(receivedAt)) return `mqtt.received_at is '${h['mqtt.received_at'] ?? ''}', not epoch ms`;
  const qos = Number(h['mqtt.qos'] ?? 1);
  return {
    topic,
    payload: deadLetter.value ?? Buffer.alloc(0),
    qos: qos === 0 || qos === 2 ? qos : 1,
    retain: h['mqtt.retain'] === 'true',
    dup: false,
    receivedAt,
  };
}

/**
 * What to keep of a replayed message's plan: the whole plan for a dead letter of the whole message;
 * for one reading of a gateway batch (`error.index` = i), only what element i turns into now (the
 * batch's other readings were written when it first came), or the message's one dead letter if the
 * whole batch is refused now.
 */
export function planForDeadLetter(deadLetter: ConsumedRecord, plan: MessagePlan): MessagePlan | string {
  const indexText = deadLetter.headers[DLQ_HEADERS.index];
  if (indexText === undefined) return plan;
  const index = Number(indexText);
  let elements = -1;
  try {
    const parsed: unknown = JSON.parse((deadLetter.value ?? Buffer.alloc(0)).toString('utf8'));
    if (Array.isArray(parsed)) elements = parsed.length;
  } catch {
    // not JSON any more? then the plan is one dead letter for the whole message
  }
  if (plan.records.length === elements && Number.isInteger(index) && index >= 0 && index < elements)
    return { ...plan, records: [plan.records[index] as MessagePlan['records'][number]] };
  if (plan.records.length === 1 && plan.records[0]?.kind === 'dead-letter') return plan;
  return `error.index ${indexText}: the batch now gives ${plan.records.length} records for ${elements} readings`;
}

export interface MqttResenderDeps {
  options: MqttSourceOptions;
  schemas: ReadonlyMap<string, ParsedSchema & { json: unknown }>;
  kafka: KafkaClient;
  registry: Pick<SchemaRegistryClient, 'lookupId' | 'register'>;
  /** The bound a dead letter made again must fit (lib/dead-letter: deadLetterMaxBytes). */
  maxDeadLetterBytes: number;
}

/**
 * The resender of `iotp dlq replay` for the MQTT source's dead letters: the message is rebuilt
 * from the dead letter and goes through the connector's own checks again (`processMessage`, the
 * same route table, schemas, limits and gateway policy), then through the same encoding. What
 * comes out is a reading (Avro, to its route's topic) or a dead letter again, never a record
 * written around the checks. A registry or broker failure throws (the replay stops, nothing of
 * the chunk is written).
 *
 * @example
 *   const resend = createMqttResender({ options, schemas, kafka, registry, maxDeadLetterBytes });
 *   await replayDeadLetters({ ..., resenders: { 'mqtt-source': resend } });
 */
export function createMqttResender(deps: MqttResenderDeps): Resender {
  const { processOptions } = processSetupFor(deps.options, deps.schemas, deps.maxDeadLetterBytes);
  const encoder = createRecordEncoder({
    registry: deps.registry,
    schemas: deps.schemas,
    autoRegister: deps.options.registry.autoRegister,
  });
  const topics = createTopicGuard(deps.kafka);
  return async (deadLetter) => {
    const message = messageOfDeadLetter(deadLetter);
    if (typeof message === 'string') return { refused: message };
    const plan = planForDeadLetter(deadLetter, processMessage(message, processOptions));
    if (typeof plan === 'string') return { refused: plan };
    const dlqOptions = {
      topic: deps.options.deadLetterTopic,
      source: deps.options.mqtt.clientId,
      ...(plan.key === undefined ? {} : { key: plan.key }),
      maxBytes: deps.maxDeadLetterBytes,
    };
    let records: ProducerRecord[];
    try {
      records = await encodePlan(plan, {
        encoder,
        topics,
        missingTopic: (topic) => missingTopicDeadLetter(message, topic, dlqOptions),
      });
    } catch (error) {
      // As the connector does: a value its Avro schema refuses is a SCHEMA_VIOLATION dead letter.
      if (!(error instanceof IotpError) || error.code !== SerdeErrorCode.Validation) throw error;
      records = [
        deadLetterRecord(
          message,
          { reason: 'SCHEMA_VIOLATION', rule: error.code, message: `${error.code}: ${error.message}` },
          dlqOptions,
        ),
      ];
    }
    return { records };
  };
}

/**
 * The MQTT resender from the pipeline config: the connector's options under the replica name
 * `dlq-replay` (named in `error.source` of dead letters made again), the routes' schemas, and the
 * dead-letter bound of the broker.
 *
 * @example
 *   const resend = await mqttResenderFromPipeline(config, kafka, registryClientFrom(config), log);
 */
export async function mqttResenderFromPipeline(
  config: LoadedPipelineConfig,
  kafka: KafkaClient,
  registry: Pick<SchemaRegistryClient, 'lookupId' | 'register'>,
  log: Logger,
): Promise<Resender> {
  const options = mqttSourceOptionsFromPipeline(config, { replica: 'dlq-replay' });
  const maxDeadLetterBytes = await deadLetterMaxBytes(kafka, options.deadLetterTopic, log);
  return createMqttResender({ options, schemas: pipelineSchemas(config), kafka, registry, maxDeadLetterBytes });
}
