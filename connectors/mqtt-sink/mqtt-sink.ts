import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { IotpError } from '../../lib/errors.js';
import type { KafkaClient } from '../../lib/kafka/types.js';
import type { AvroDecoder } from '../../lib/serde/index.js';
import type { Command } from '../../schemas/generated/command.js';
import { commandTopicTemplate } from './command-topic.js';
import { createBatchHandler } from './handle-batch.js';
import { createInFlightWindow } from './in-flight-window.js';
import { createMqttSinkMetrics } from './metrics.js';
import { connectMqttPublisher } from './mqtt-publisher.js';
import type { MqttSinkSettings } from './sink-settings.js';

export interface MqttSinkDeps {
  kafka: KafkaClient;
  decoder: AvroDecoder<Command>;
  registry: Registry;
  log: Logger;
  setReady(ready: boolean): void;
  /** The consumer loop stopped for good (a publish timed out, the registry is down, Kafka failed). */
  onFatal(error: IotpError): void;
  clock?: () => number;
}

export interface MqttSink {
  /** Stops fetching (the batch in progress finishes and commits), leaves the group, disconnects. */
  stop(): Promise<void>;
}

/**
 * Starts one MQTT sink replica: connects to the broker with the sink's own identity, the producer
 * (dead letters) and the consumer group on the commands topic, and publishes each command to its
 * device's topic (QoS 1), committing offsets after the PUBACKs (handle-batch.ts).
 */
export async function startMqttSink(settings: MqttSinkSettings, deps: MqttSinkDeps): Promise<MqttSink> {
  const log = deps.log;
  const metrics = createMqttSinkMetrics(deps.registry);
  const topicFor = commandTopicTemplate(settings.mqttTopic);
  let consumerUp = false;
  const updateReady = (mqttUp: boolean) => deps.setReady(consumerUp && mqttUp);
  const mqtt = await connectMqttPublisher(settings.mqtt, log.child({ client: 'mqtt' }), (up) => {
    metrics.connected.set(up ? 1 : 0);
    updateReady(up);
  });
  const producer = deps.kafka.producer({ idempotent: true });
  const consumer = deps.kafka.consumer({
    groupId: settings.groupId,
    sessionTimeoutMs: settings.sessionTimeoutMs,
    maxBatchSize: Math.max(settings.maxInFlight, 100),
  });
  try {
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe([settings.commandsTopic]);
    await consumer.run({
      eachBatch: createBatchHandler({
        consumer,
        producer,
        decoder: deps.decoder,
        mqtt,
        window: createInFlightWindow(settings.maxInFlight),
        metrics,
        log,
        topicFor,
        clock: deps.clock ?? Date.now,
        deadLetterTopic: settings.deadLetterTopic,
        replicaId: settings.replicaId,
        publishTimeoutMs: settings.publishTimeoutMs,
      }),
      onAssign: async (partitions) => log.info({ topic: settings.commandsTopic, partitions }, 'partitions assigned'),
      onError: (error) => {
        log.error(
          { err: error, topic: settings.commandsTopic },
          'MQTT sink stopped: nothing after the failed batch was committed',
        );
        deps.onFatal(error);
      },
    });
  } catch (error) {
    await Promise.allSettled([consumer.disconnect(), producer.disconnect(), mqtt.close()]);
    throw error;
  }
  consumerUp = true;
  updateReady(mqtt.connected);
  log.info(
    { topic: settings.commandsTopic, mqttTopic: settings.mqttTopic, groupId: settings.groupId, url: settings.mqtt.url },
    'MQTT sink running',
  );

  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= (async () => {
        deps.setReady(false);
        await consumer.disconnect();
        await producer.disconnect();
        await mqtt.close();
      })();
      return stopping;
    },
  };
}
