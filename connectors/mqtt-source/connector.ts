import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { placeholdersIn } from '../../lib/config/topic-template.js';
import {
  CLIENT_MAX_RECORD_BYTES,
  DLQ_HEADERS,
  deadLetterMaxBytes,
  deadLetterTruncations,
} from '../../lib/dead-letter/index.js';
import { ConfigError, IotpError } from '../../lib/errors.js';
import type { KafkaClient, ProducerRecord } from '../../lib/kafka/types.js';
import {
  listSchemaFiles,
  loadSchemaFile,
  type ParsedSchema,
  type SchemaRegistryClient,
  SerdeErrorCode,
} from '../../lib/serde/index.js';
import { createBatchSender } from './batch-sender.js';
import { type DeadLetterOptions, deadLetterRecord } from './dead-letter-record.js';
import { createDeviceAdmission } from './device-admission.js';
import { encodePlan, encodePlanNow, missingTopicDeadLetter } from './encode-plan.js';
import { type GatewayLeavesSource, withRegistryLeaves } from './gateway-policy.js';
import { STAGE } from './headers.js';
import { createMqttSourceMetrics, type MqttSourceMetrics } from './metrics.js';
import type { MqttMessage } from './mqtt-message.js';
import { type MqttSession, openMqttSession } from './mqtt-session.js';
import { subscriptionFilters } from './namespace-filter.js';
import type { MqttSourceOptions } from './options.js';
import { type MessagePlan, processMessage } from './process-message.js';
import { processSetupFor } from './process-options.js';
import { createRecordEncoder } from './record-encoder.js';
import { createTopicGuard } from './topic-guard.js';

export interface MqttSourceDeps {
  kafka: KafkaClient;
  registry: Pick<SchemaRegistryClient, 'lookupId' | 'register'>;
  metrics: Registry;
  log: Logger;
  setReady(ready: boolean): void;
  /** Epoch ms; receive times come from here (default Date.now). */
  clock?: () => number;
  /**
   * The device registry, read live (lib/devices/registry `openRegistryView`): gateways may also
   * speak for the leaves their records list, and unknown devices meet `options.devices.unknownDevice`.
   * Absent: the YAML gateways only, every device accepted.
   */
  devices?: GatewayLeavesSource & { has(deviceId: string): boolean };
  /** Schemas by the names routes use (default: every .avsc of `options.schemasDir`). */
  schemas?: ReadonlyMap<string, ParsedSchema & { json: unknown }>;
}

/**
 * A running MQTT source replica.
 *
 * @example
 *   const source = await startMqttSource(options, { kafka, registry, metrics: ctx.registry, log: ctx.log, setReady: ctx.setReady });
 *   process.once('SIGTERM', () => source.stop());
 */
export interface MqttSource {
  readonly clientId: string;
  readonly filters: readonly string[];
  readonly metrics: MqttSourceMetrics;
  /**
   * Clean stop (SIGTERM): leave the share group (UNSUBSCRIBE), drain what the broker still sends,
   * flush to Kafka and PUBACK (within drainTimeoutMs), then DISCONNECT keeping the session.
   */
  stop(): Promise<void>;
}

/** Readiness turns false when queued work has seen no successful Kafka send for this long. */
const STALL_MS = 5000;

/** Timers of a race must not keep the process alive after the stop. */
const UNREF = { ref: false } as const;

/** A stopping replica drains until no message came for this long. */
const QUIET_MS = 300;

/** Kafka or registry refusals that retrying will not fix: the message is dead-lettered instead. */
const PERMANENT_CODES = new Set<string>([
  'KAFKA_MESSAGE_TOO_LARGE',
  'KAFKA_RECORD_LIST_TOO_LARGE',
  'KAFKA_INVALID_RECORD',
  'KAFKA_CORRUPT_MESSAGE',
  'KAFKA_INVALID_TIMESTAMP',
  'KAFKA_UNKNOWN_TOPIC_OR_PARTITION',
  'KAFKA_TOPIC_AUTHORIZATION_FAILED',
  SerdeErrorCode.Validation,
  SerdeErrorCode.SchemaNotRegistered,
  SerdeErrorCode.RegistryRejected,
]);

/** Loads every schemas/*.avsc (name = file base name) as serde schemas and as JSON for validation. */
export function loadSchemas(dir: string): Map<string, ParsedSchema & { json: unknown }> {
  const out = new Map<string, ParsedSchema & { json: unknown }>();
  for (const file of listSchemaFiles(dir)) {
    const schema = loadSchemaFile(file);
    out.set(schema.baseName, schema);
  }
  return out;
}

/**
 * Starts one replica: checks schemas and topics, connects the idempotent producer (acks=all),
 * opens the persistent MQTT session and subscribes through `$share/<group>/...`. Each message is
 * processed (pure), encoded, written in arrival order and PUBACKed after Kafka acknowledged it.
 */
export async function startMqttSource(options: MqttSourceOptions, deps: MqttSourceDeps): Promise<MqttSource> {
  const { log } = deps;
  const clock = deps.clock ?? Date.now;
  const metrics = createMqttSourceMetrics(deps.metrics);

  const schemas = deps.schemas ?? loadSchemas(options.schemasDir);
  const { processOptions, statusText } = processSetupFor(options, schemas, CLIENT_MAX_RECORD_BYTES);
  if (deps.devices) {
    processOptions.gateways = withRegistryLeaves(processOptions.gateways, deps.devices);
    processOptions.devices = createDeviceAdmission(options.devices.unknownDevice, deps.devices, (_, policy) =>
      metrics.unknownDevices.inc({ policy }),
    );
  } else if (options.devices.unknownDevice !== 'accept')
    throw new ConfigError(
      'devices.unknownDevice',
      `expected accept without a device registry (devices.enabled: false), got ${options.devices.unknownDevice}`,
    );

  await checkTopics(deps.kafka, options, log);
  processOptions.maxDeadLetterBytes = await deadLetterMaxBytes(deps.kafka, options.deadLetterTopic, log);
  const truncations = deadLetterTruncations(deps.metrics);
  const countDeadLetter = (record: ProducerRecord, reason: string) => {
    metrics.deadLetters.inc({ reason });
    if (record.headers?.[DLQ_HEADERS.payloadTruncated]) truncations.inc({ stage: STAGE });
  };
  const topics = createTopicGuard(deps.kafka);
  const producer = deps.kafka.producer({ idempotent: true, lingerMs: 5 });
  await producer.connect();
  const encoder = createRecordEncoder({
    registry: deps.registry,
    schemas,
    autoRegister: options.registry.autoRegister,
  });

  let blocked = false;
  let kafkaOk = true;
  let subscribed = false;
  let mqttUp = false;
  const updateReady = () => deps.setReady(mqttUp && subscribed && kafkaOk && !blocked);
  // Kafka is "stalled" when work has waited longer than STALL_MS without a successful send.
  let progressAt = performance.now();
  const dlqOptions = (plan: MessagePlan): DeadLetterOptions => ({
    topic: options.deadLetterTopic,
    source: options.mqtt.clientId,
    key: plan.key,
    maxBytes: processOptions.maxDeadLetterBytes,
  });
  /** The message's records, fetching topic lists and schema ids as needed; kept once all topics exist. */
  const encodeAndKeep = async (pending: Pending): Promise<ProducerRecord[]> => {
    let missing = false;
    const records = await encodePlan(pending.plan, {
      encoder,
      topics,
      missingTopic: (topic) => {
        missing = true;
        const record = missingTopicDeadLetter(pending.message, topic, dlqOptions(pending.plan));
        countDeadLetter(record, 'UNKNOWN_ROUTE');
        return record;
      },
    });
    // A missing topic is asked about again on a retry (it may have been created meanwhile).
    if (!missing) pending.records = records;
    return records;
  };
  const sender = createBatchSender<Pending>({
    send: async (records) => {
      await producer.send(records);
    },
    prepare: (pending) => pending.records ?? encodeAndKeep(pending),
    fallback(pending, error) {
      const reason = error.code === SerdeErrorCode.Validation ? 'SCHEMA_VIOLATION' : 'KAFKA_REJECTED';
      const record = deadLetterRecord(
        pending.message,
        { reason, rule: error.code, message: `${error.code}: ${error.message}` },
        dlqOptions(pending.plan),
      );
      countDeadLetter(record, reason);
      return [record];
    },
    done(pending) {
      metrics.tally.inFlight--;
      metrics.tally.acked++;
      metrics.messageLatencySeconds.record((performance.now() - pending.started) / 1000);
      pending.ack();
    },
    maxBatchMessages: options.batch.maxMessages,
    retry: { initialMs: options.batch.retryInitialMs, maxMs: options.batch.retryMaxMs },
    isPermanent: (error) => !error.retriable && PERMANENT_CODES.has(error.code),
    onSent: (records, _entries, seconds) => {
      progressAt = performance.now();
      if (!kafkaOk) {
        kafkaOk = true;
        log.info('kafka sends succeed again');
        updateReady();
      }
      if (records.length === 0) return;
      metrics.produceSeconds.observe(seconds);
      countRecordsOut(metrics.tally.recordsOut, records);
    },
    onRetry: (error, attempt, delayMs) => {
      metrics.sendRetries.inc({ code: error.code });
      if (attempt === 1 || attempt % 10 === 0)
        log.warn({ err: error, attempt, delayMs }, 'kafka send failed; retrying');
    },
    onFallback: (error) => log.error({ err: error }, 'kafka refused a message for good; dead-lettering it'),
    onBlocked: (error) => {
      blocked = true;
      updateReady();
      log.error(
        { err: error, deadLetterTopic: options.deadLetterTopic, retryMs: options.batch.retryMaxMs },
        'kafka refuses the dead-letter topic: intake waits (not ready, nothing acked) and retries until the broker takes it',
      );
    },
    onUnblocked: () => {
      blocked = false;
      updateReady();
      log.info('the dead-letter topic takes records again: intake goes on');
    },
  });

  const stallCheck = setInterval(() => {
    const stalled = sender.size > 0 && performance.now() - progressAt > STALL_MS;
    if (stalled === kafkaOk) {
      kafkaOk = !stalled;
      if (stalled) log.warn({ pending: sender.size, stallMs: STALL_MS }, 'kafka sends stalled: not ready');
      updateReady();
    }
  }, 1000);
  stallCheck.unref();

  let lastMessageAt = 0;
  const encodeNow = { encoder, topics };
  const onMessage = (message: MqttMessage, ack: () => void): void => {
    const started = performance.now();
    lastMessageAt = started;
    metrics.tally.messagesIn[message.qos]++;
    if (message.dup) metrics.redelivered.inc();
    metrics.tally.inFlight++;
    if (sender.size === 0) progressAt = started;
    const plan = processMessage(message, processOptions);
    for (const r of plan.records) if (r.kind === 'dead-letter') countDeadLetter(r.record, r.reason);
    // Encoded now when everything is at hand (the usual case), so a Kafka ack finds the next batch
    // ready; otherwise (first use of a subject or topic) the sender does it, with its retries.
    sender.enqueue({ message, plan, started, ack, records: encodePlanNow(plan, encodeNow) });
  };

  let session: MqttSession | undefined;
  // The whole namespace, not only the routes: a topic no route matches is dead-lettered, not lost
  // (except for `exact` routes, which live in a namespace others publish in).
  const filters = subscriptionFilters(options.routes, [statusText]).map((f) => `$share/${options.mqtt.group}/${f}`);
  try {
    session = await openMqttSession({
      mqtt: options.mqtt,
      clock,
      log,
      onMessage,
      onConnectionChange: (connected) => {
        mqttUp = connected;
        metrics.connected.set(connected ? 1 : 0);
        if (!connected) metrics.tally.inFlight = sender.size;
        updateReady();
      },
    });
    await session.subscribe(filters);
  } catch (error) {
    sender.close();
    clearInterval(stallCheck);
    await session?.close().catch(() => {});
    await producer.disconnect().catch(() => {});
    throw error;
  }
  subscribed = true;
  mqttUp = true;
  metrics.connected.set(1);
  updateReady();
  log.info({ clientId: options.mqtt.clientId, filters }, 'mqtt source running');

  let stopping: Promise<void> | undefined;
  return {
    clientId: options.mqtt.clientId,
    filters,
    metrics,
    stop() {
      stopping ??= (async () => {
        deps.setReady(false);
        const deadline = performance.now() + options.drainTimeoutMs;
        // Leave the share group first: Mosquitto routes shared messages to a persistent session
        // even while it is offline, so a stopped replica that stayed subscribed would hold back
        // its share until it came back. What the broker already queued for us still arrives.
        await Promise.race([
          session?.unsubscribe(filters).catch((error: unknown) => log.warn({ err: error }, 'unsubscribe failed')),
          sleep(options.drainTimeoutMs, undefined, UNREF),
        ]);
        // Drain: take what is still coming, until it has been quiet for a moment.
        while (performance.now() < deadline) {
          await Promise.race([sender.idle(), sleep(Math.max(0, deadline - performance.now()), undefined, UNREF)]);
          if (sender.size === 0 && performance.now() - lastMessageAt >= QUIET_MS) break;
          await sleep(QUIET_MS / 4);
        }
        session?.pause();
        const drained = await Promise.race([
          sender.idle().then(() => true),
          sleep(Math.max(0, deadline - performance.now()), undefined, UNREF).then(() => false),
        ]);
        if (!drained)
          log.warn(
            { pending: sender.size },
            'drain timed out: those messages stay un-PUBACKed in the session and are redelivered on restart',
          );
        sender.close();
        clearInterval(stallCheck);
        await session?.close();
        await producer.disconnect();
        log.info('mqtt source stopped');
      })();
      return stopping;
    },
  };
}

/** One MQTT message on its way to Kafka (the sender's entry: plain data, no closures but `ack`). */
interface Pending {
  message: MqttMessage;
  plan: MessagePlan;
  /** performance.now() at receipt. */
  started: number;
  /** Releases the message's PUBACK (in arrival order). */
  ack: () => void;
  /** The records to send, once encoded with every topic known to exist. */
  records: ProducerRecord[] | undefined;
}

/** Adds the records' counts per topic (consecutive records usually share their topic). */
function countRecordsOut(counts: Map<string, number>, records: readonly ProducerRecord[]): void {
  let topic = records[0]?.topic;
  let run = 0;
  for (const r of records) {
    if (r.topic === topic) {
      run++;
      continue;
    }
    if (topic !== undefined) counts.set(topic, (counts.get(topic) ?? 0) + run);
    topic = r.topic;
    run = 1;
  }
  if (topic !== undefined && run > 0) counts.set(topic, (counts.get(topic) ?? 0) + run);
}

/** The dead-letter, status and fixed route topics must exist (auto-creation is off in production). */
async function checkTopics(kafka: KafkaClient, options: MqttSourceOptions, log: Logger): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const needed = [
      ['deadLetterTopic', options.deadLetterTopic],
      ['status.topic', options.status.topic],
      ...options.routes
        .map((r, i) => [`routes[${i}].topic`, r.topic] as const)
        .filter(([, topic]) => placeholdersIn(topic).length === 0),
    ] as const;
    for (const [key, topic] of needed)
      if (!existing.has(topic))
        throw new IotpError(
          'MQTT_SOURCE_TOPIC_MISSING',
          `${key}: Kafka topic '${topic}' does not exist; create it first`,
          {
            retriable: false,
            context: { topic },
          },
        );
    const dynamic = options.routes.filter((r) => placeholdersIn(r.topic).length > 0).map((r) => r.topic);
    if (dynamic.length > 0)
      log.info(
        { templates: dynamic },
        'route topics with placeholders are checked on first use (missing: dead-lettered)',
      );
  } finally {
    await admin.disconnect();
  }
}
