import type { Logger } from 'pino';
import { IotpError, toIotpError } from '../../lib/errors.js';
import { nextOffset } from '../../lib/kafka/offsets.js';
import type { Batch, ConsumedRecord, Consumer, Producer, ProducerRecord } from '../../lib/kafka/types.js';
import type { AvroDecoder } from '../../lib/serde/index.js';
import type { Command } from '../../schemas/generated/command.js';
import { commandDeadLetter, type SinkRejection } from './dead-letter.js';
import type { InFlightWindow } from './in-flight-window.js';
import type { MqttSinkMetrics } from './metrics.js';
import type { MqttPublisher } from './mqtt-publisher.js';
import { planCommand } from './plan-command.js';

export interface BatchHandlerDeps {
  consumer: Consumer;
  producer: Producer;
  decoder: AvroDecoder<Command>;
  mqtt: MqttPublisher;
  window: InFlightWindow;
  metrics: MqttSinkMetrics;
  log: Logger;
  topicFor(deviceId: string): { ok: true; topic: string } | { ok: false; problem: string };
  clock(): number;
  deadLetterTopic: string;
  replicaId: string;
  publishTimeoutMs: number;
}

/**
 * One partition's batch: each command decoded and either published at QoS 1 (in offset order, at
 * most `window` un-PUBACKed) or dead-lettered; then, once every publish of the batch is PUBACKed and
 * every dead letter is in Kafka, the batch's offset is committed. A crash before that commit
 * publishes the batch's commands again after the restart (at least once). A publish with no PUBACK
 * within publishTimeoutMs throws: the worker stops without committing.
 */
export function createBatchHandler(deps: BatchHandlerDeps): (batch: Batch) => Promise<void> {
  const { metrics } = deps;

  const publish = async (record: ConsumedRecord, topic: string, bytes: Buffer, deadLetters: ProducerRecord[]) => {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new IotpError('MQTT_SINK_PUBACK_TIMEOUT', `no PUBACK for ${topic} within ${deps.publishTimeoutMs} ms`, {
              retriable: true,
              context: { topic: record.topic, partition: record.partition, offset: record.offset, mqttTopic: topic },
            }),
          ),
        deps.publishTimeoutMs,
      );
    });
    metrics.inFlight.inc();
    try {
      const outcome = await Promise.race([deps.mqtt.publish(topic, bytes), timeout]);
      if (outcome.ok) {
        metrics.published.inc();
        metrics.publishLatency.observe((performance.now() - started) / 1000);
        return;
      }
      const rejection: SinkRejection = {
        reason: 'MQTT_REFUSED',
        code: `MQTT_REASON_${outcome.reasonCode}`,
        message: `the broker refused the publish to ${topic}: ${outcome.message}`,
        mqttTopic: topic,
      };
      deadLetters.push(deadLetter(record, rejection));
    } finally {
      clearTimeout(timer);
      metrics.inFlight.dec();
      deps.window.release();
    }
  };

  const deadLetter = (record: ConsumedRecord, rejection: SinkRejection): ProducerRecord => {
    metrics.failed.inc({ reason: rejection.reason });
    if (rejection.reason === 'COMMAND_EXPIRED') metrics.expired.inc();
    deps.log.warn(
      {
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        deviceId: record.key?.toString('utf8'),
        reason: rejection.reason,
        code: rejection.code,
      },
      `command dead-lettered: ${rejection.message}`,
    );
    return commandDeadLetter(record, rejection, {
      topic: deps.deadLetterTopic,
      source: deps.replicaId,
      nowMs: deps.clock(),
    });
  };

  const decode = async (record: ConsumedRecord): Promise<Command | SinkRejection> => {
    if (record.value === null)
      return { reason: 'DESERIALIZATION_FAILED', code: 'MQTT_SINK_NULL_VALUE', message: 'the record has no value' };
    try {
      return (await deps.decoder.decode(record.value)).value;
    } catch (error) {
      const e = toIotpError(error, 'MQTT_SINK_DECODE_FAILED');
      if (e.retriable) throw e;
      return { reason: 'DESERIALIZATION_FAILED', code: e.code, message: e.message };
    }
  };

  return async (batch) => {
    const deadLetters: ProducerRecord[] = [];
    const publishes: Promise<void>[] = [];
    for (const record of batch.records) {
      const command = await decode(record);
      if ('reason' in command) {
        deadLetters.push(deadLetter(record, command));
        continue;
      }
      const plan = planCommand(command, record.key?.toString('utf8') ?? null, {
        topicFor: deps.topicFor,
        nowMs: deps.clock(),
      });
      if (plan.kind === 'reject') {
        deadLetters.push(deadLetter(record, plan.rejection));
        continue;
      }
      await deps.window.acquire();
      publishes.push(publish(record, plan.topic, plan.bytes, deadLetters));
    }
    // Every publish settles (PUBACK, refusal or timeout) before anything is committed.
    const settled = await Promise.allSettled(publishes);
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) throw failure.reason;
    if (deadLetters.length > 0) await deps.producer.send(deadLetters);
    const last = batch.records.at(-1);
    if (!last) return;
    await deps.consumer.commit([
      { topic: batch.topic, partition: batch.partition, offset: batch.nextOffset ?? nextOffset(last.offset) },
    ]);
    metrics.commits.inc();
  };
}
