import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { IotpError } from '../../errors.js';
import { KafkaErrorCodes } from '../kafka-error.js';
import { nextOffset } from '../offsets.js';
import type { ReplayOptions } from '../types.js';
import { fromKafkajsError } from './errors.js';
import { createInternalCluster, fetchedBatch, type InternalCluster, ISOLATION } from './internals.js';
import { toConsumedRecord } from './records.js';

/** Rounds in a row with no progress (each waits up to FETCH_WAIT_MS at the broker) before giving up. */
const MAX_IDLE_ROUNDS = 50;
const FETCH_WAIT_MS = 100;

interface PartitionState {
  partition: number;
  position: bigint;
  end: bigint;
  idle: number;
}

/**
 * Replay on kafkajs, with no consumer group: the end offsets (the last stable offset under
 * read_committed) are taken when the call starts, then each partition is fetched from its log start
 * straight from its leader until its position reaches that end. Records at or past the end are not
 * delivered, so two replays of an unchanged log deliver exactly the same records.
 */
export async function kafkajsReplay(kafka: Kafka, options: ReplayOptions, log: Logger): Promise<void> {
  const { topic } = options;
  const isolationLevel = ISOLATION[options.isolation ?? 'read_committed'];
  const cluster = createInternalCluster(kafka, isolationLevel);
  try {
    await cluster.connect();
    await cluster.addTargetTopic(topic);
    const partitions = options.partitions.map((partition) => ({ partition }));
    const [starts, ends] = await Promise.all([
      cluster.fetchTopicsOffset([{ topic, partitions, fromBeginning: true }]),
      cluster.fetchTopicsOffset([{ topic, partitions, fromBeginning: false }]),
    ]);
    const offsetOf = (list: typeof starts, partition: number) =>
      BigInt(list[0]?.partitions.find((p) => p.partition === partition)?.offset ?? '0');
    let active: PartitionState[] = options.partitions
      .map((partition) => ({
        partition,
        position: offsetOf(starts, partition),
        end: offsetOf(ends, partition),
        idle: 0,
      }))
      .filter((p) => p.position < p.end);
    while (active.length > 0) {
      await fetchRound(cluster, topic, isolationLevel, active, options, log);
      active = active.filter((p) => p.position < p.end);
    }
  } catch (e) {
    throw fromKafkajsError(e, 'replay', { topic });
  } finally {
    await cluster.disconnect().catch((e: unknown) => log.debug({ err: e }, 'replay: disconnect failed'));
  }
}

async function fetchRound(
  cluster: InternalCluster,
  topic: string,
  isolationLevel: number,
  active: PartitionState[],
  options: ReplayOptions,
  log: Logger,
): Promise<void> {
  const leaders = new Map(cluster.findTopicPartitionMetadata(topic).map((m) => [m.partitionId, m.leader]));
  const byLeader = new Map<number, PartitionState[]>();
  for (const p of active) {
    const leader = leaders.get(p.partition);
    if (leader === undefined)
      throw new IotpError(
        KafkaErrorCodes.UNKNOWN_TOPIC_OR_PARTITION,
        `replay: ${topic}[${p.partition}] has no leader`,
        {
          retriable: true,
          context: { topic, partition: p.partition },
        },
      );
    byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
  }
  for (const [leader, states] of byLeader) {
    const broker = await cluster.findBroker({ nodeId: String(leader) });
    const response = await broker.fetch({
      isolationLevel,
      maxWaitTime: FETCH_WAIT_MS,
      minBytes: 1,
      maxBytes: 10 * 1024 * 1024,
      topics: [
        {
          topic,
          partitions: states.map((s) => ({
            partition: s.partition,
            fetchOffset: s.position.toString(),
            maxBytes: 1024 * 1024,
          })),
        },
      ],
    });
    for (const data of response.responses.flatMap((r) => r.partitions)) {
      const state = states.find((s) => s.partition === data.partition);
      if (!state) continue;
      const batch = fetchedBatch(topic, state.position.toString(), data);
      if (batch.isEmptyIncludingFiltered()) {
        if (++state.idle > MAX_IDLE_ROUNDS)
          throw new IotpError(
            KafkaErrorCodes.REPLAY_STALLED,
            `replay: ${topic}[${state.partition}] stalled below its end`,
            {
              retriable: true,
              context: {
                topic,
                partition: state.partition,
                offset: state.position.toString(),
                end: state.end.toString(),
              },
            },
          );
        continue;
      }
      state.idle = 0;
      const records = batch.messages
        .filter((m) => BigInt(m.offset) < state.end)
        .map((m) => toConsumedRecord(topic, state.partition, m));
      if (records.length > 0) await options.onRecords(records);
      state.position = BigInt(nextOffset(batch.lastOffset()));
      log.trace({ topic, partition: state.partition, position: state.position.toString() }, 'replay progress');
    }
  }
}
