import { randomBytes } from 'node:crypto';
import type { EofEvent, KafkaConsumer, Message } from 'node-rdkafka';
import type { Logger } from 'pino';
import { IotpError } from '../../errors.js';
import { KafkaErrorCodes } from '../kafka-error.js';
import type { KafkaClientConfig, ReplayOptions } from '../types.js';
import { toConsumedRecord } from './consumer.js';
import { fromRdkafkaError, rdkafkaCall, rdkafkaSync } from './errors.js';
import { loadRdkafka } from './load.js';
import { rdkafkaBaseConfig, routeRdkafkaLogs } from './options.js';

const QUERY_TIMEOUT_MS = 10_000;
const MAX_IDLE_ROUNDS = 100;

interface PartitionState {
  partition: number;
  end: number;
  done: boolean;
}

/**
 * Replay on node-rdkafka: a consumer that never joins a group (manual `assign` at the log start, no
 * subscribe, no commit; librdkafka needs a group.id string, a random one that no broker ever sees).
 * The end offsets come from a ListOffsets under the replay's isolation level (the last stable offset
 * under read_committed) when the call starts; a partition is done when a record at or past its end
 * arrives or librdkafka reports partition EOF at or past it (EOF also covers trailing transaction
 * markers and aborted records). Records at or past the end are not delivered.
 */
export async function rdkafkaReplay(config: KafkaClientConfig, options: ReplayOptions, log: Logger): Promise<void> {
  const rd = loadRdkafka();
  const { topic } = options;
  const consumer: KafkaConsumer = new rd.KafkaConsumer(
    {
      ...rdkafkaBaseConfig(config, log),
      'group.id': `iotp-replay-unjoined-${randomBytes(6).toString('hex')}`,
      'enable.auto.commit': false,
      'enable.auto.offset.store': false,
      'isolation.level': options.isolation ?? 'read_committed',
      'enable.partition.eof': true,
    },
    {},
  );
  routeRdkafkaLogs(consumer, log);
  consumer.setDefaultConsumeTimeout(100);
  try {
    await rdkafkaCall('replay.connect', (cb) => consumer.connect({}, cb), { topic });
    const states = new Map<number, PartitionState>();
    const assignment: { topic: string; partition: number; offset: number }[] = [];
    for (const partition of options.partitions) {
      const w = await rdkafkaCall<{ lowOffset: number; highOffset: number }>(
        'replay.offsets',
        (cb) => consumer.queryWatermarkOffsets(topic, partition, QUERY_TIMEOUT_MS, cb),
        { topic, partition },
      );
      if (w.lowOffset >= w.highOffset) continue;
      states.set(partition, { partition, end: w.highOffset, done: false });
      assignment.push({ topic, partition, offset: w.lowOffset });
    }
    if (assignment.length === 0) return;
    consumer.on('partition.eof', (eof: EofEvent) => {
      const state = states.get(eof.partition);
      if (eof.topic === topic && state && eof.offset >= state.end) state.done = true;
    });
    rdkafkaSync('replay.assign', () => consumer.assign(assignment), { topic });
    let idle = 0;
    while ([...states.values()].some((s) => !s.done)) {
      const messages = await new Promise<Message[]>((resolve, reject) =>
        consumer.consume(1000, (err, m) =>
          err ? reject(fromRdkafkaError(err, 'replay.consume', { topic })) : resolve(m ?? []),
        ),
      );
      idle = messages.length === 0 ? idle + 1 : 0;
      if (idle > MAX_IDLE_ROUNDS)
        throw new IotpError(KafkaErrorCodes.REPLAY_STALLED, `replay: ${topic} made no progress below its end offsets`, {
          retriable: true,
          context: { topic },
        });
      const byPartition = new Map<number, Message[]>();
      for (const m of messages) {
        const state = states.get(m.partition);
        if (!state) continue;
        if (m.offset + 1 >= state.end) state.done = true;
        if (m.offset >= state.end) continue;
        byPartition.set(m.partition, [...(byPartition.get(m.partition) ?? []), m]);
      }
      for (const list of byPartition.values()) await options.onRecords(list.map(toConsumedRecord));
    }
  } finally {
    if (consumer.isConnected()) await rdkafkaCall('replay.disconnect', (cb) => consumer.disconnect(cb)).catch(() => {});
  }
}
