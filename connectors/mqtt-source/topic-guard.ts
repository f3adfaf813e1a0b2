import type { KafkaClient } from '../../lib/kafka/types.js';

/**
 * Knows which Kafka topics exist (auto-creation is off), so that a reading routed to a missing topic
 * is dead-lettered at once instead of stalling the ordered send for as long as the client retries
 * (kafkajs gives up after ~8 s, librdkafka after 30 s with a generic code). The list is fetched at
 * start and again, at most every `refreshMs`, when an unknown topic comes up.
 *
 * @example
 *   const guard = createTopicGuard(kafka);
 *   if (!(await guard.exists('telemetry.co2'))) deadLetter('UNKNOWN_ROUTE');
 */
export interface TopicGuard {
  exists(topic: string): Promise<boolean>;
  /** True when the topic is known to exist without asking the broker (false: ask with `exists`). */
  known(topic: string): boolean;
}

export function createTopicGuard(
  kafka: KafkaClient,
  refreshMs = 5000,
  now: () => number = () => performance.now(),
): TopicGuard {
  let known = new Set<string>();
  let refreshedAt = Number.NEGATIVE_INFINITY;
  let pending: Promise<void> | undefined;
  const refresh = async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      known = new Set(await admin.listTopics());
      refreshedAt = now();
    } finally {
      await admin.disconnect();
    }
  };
  return {
    known: (topic) => known.has(topic),
    async exists(topic) {
      if (known.has(topic)) return true;
      if (now() - refreshedAt >= refreshMs) {
        pending ??= refresh().finally(() => {
          pending = undefined;
        });
        await pending;
      }
      return known.has(topic);
    },
  };
}
