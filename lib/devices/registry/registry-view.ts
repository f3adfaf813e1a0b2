import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { IotpError } from '../../errors.js';
import type { Consumer, KafkaClient } from '../../kafka/types.js';
import { applyRegistryRecord, type RegistryChange } from './fold.js';
import type { DeviceRecord } from './record.js';
import type { DeviceSerde } from './serde.js';
import { registryTopicMissing } from './snapshot.js';

/**
 * A live, read-only copy of the device registry in one process: read from the start of the
 * compacted topic to its end before `openRegistryView` resolves, then following it, so an update
 * takes effect as it arrives (eventually consistent: seconds behind the write).
 *
 * @example
 *   const view = await openRegistryView({ kafka, topic: 'telemetry.devices', serde, log, clientId: 'mqtt-source-a' });
 *   view.get('d1')?.site;                       // 's1'
 *   view.onChange(({ deviceId, after }) => ...); // after undefined: removed
 */
export interface RegistryView {
  get(deviceId: string): DeviceRecord | undefined;
  has(deviceId: string): boolean;
  readonly size: number;
  values(): IterableIterator<DeviceRecord>;
  /** Called after each change is applied; returns the unsubscribe function. */
  onChange(listener: (change: RegistryChange) => void): () => void;
  /** False once the consumer stopped for good (the view then keeps its last state; restart the worker). */
  readonly following: boolean;
  close(): Promise<void>;
}

export interface RegistryViewOptions {
  kafka: KafkaClient;
  topic: string;
  serde: Pick<DeviceSerde, 'decode'>;
  log: Logger;
  /** Prefix of the throwaway consumer group (`<clientId>-devices-<random>`); no offsets are committed. */
  clientId: string;
  /** How long the initial read to the end may take (default 60 s). */
  readyTimeoutMs?: number;
}

/**
 * Opens the view: notes each partition's end offset, then consumes from the beginning in a
 * throwaway consumer group (nothing is committed: every start reads the whole compacted topic)
 * and resolves once every partition reached the end it had at the start. A record whose value
 * cannot be decoded is logged and skipped (the device keeps its previous record).
 */
export async function openRegistryView(options: RegistryViewOptions): Promise<RegistryView> {
  const { kafka, topic, serde } = options;
  const log = options.log.child({ component: 'device-registry', topic });
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    if ((await admin.partitionCount(topic)) === undefined) throw registryTopicMissing(topic);
    // Partitions with nothing in them (high = low, also after every record was deleted) are read already.
    ends = new Map(
      (await admin.topicOffsets(topic))
        .filter((p) => BigInt(p.high) > BigInt(p.low))
        .map((p) => [p.partition, BigInt(p.high)]),
    );
  } finally {
    await admin.disconnect();
  }

  const table = new Map<string, DeviceRecord>();
  const listeners = new Set<(change: RegistryChange) => void>();
  const position = new Map<number, bigint>();
  let following = true;
  let markReady: () => void = () => {};
  let markFailed: (error: IotpError) => void = () => {};
  const readyPromise = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  const caughtUp = () => [...ends].every(([p, end]) => (position.get(p) ?? 0n) >= end);
  let ready = false;
  const checkReady = () => {
    if (!ready && caughtUp()) {
      ready = true;
      log.info({ devices: table.size }, 'device registry read to its end; following');
      markReady();
    }
  };

  const consumer: Consumer = kafka.consumer({
    groupId: `${options.clientId}-devices-${randomUUID().slice(0, 8)}`,
    autoOffsetReset: 'earliest',
    isolation: 'read_committed',
  });
  await consumer.connect();
  await consumer.subscribe([topic]);
  await consumer.run({
    eachBatch: async (batch) => {
      for (const record of batch.records) {
        const deviceId = record.key?.toString('utf8');
        if (deviceId) {
          let value: DeviceRecord | null = null;
          let decoded = true;
          if (record.value !== null) {
            try {
              value = await serde.decode(record.value);
            } catch (error) {
              decoded = false;
              log.warn(
                { err: error, deviceId, partition: batch.partition, offset: record.offset },
                'device registry record cannot be decoded; the device keeps its previous record',
              );
            }
          }
          if (decoded) {
            const change = applyRegistryRecord(table, deviceId, value);
            if (change) {
              if (ready) log.info({ deviceId, removed: change.after === undefined }, 'device registry change');
              for (const listener of listeners) listener(change);
            }
          }
        }
        position.set(batch.partition, BigInt(record.offset) + 1n);
      }
      if (batch.nextOffset !== undefined) position.set(batch.partition, BigInt(batch.nextOffset));
      checkReady();
    },
    onError: (error) => {
      following = false;
      log.error({ err: error }, 'device registry view stopped following: it keeps its last state; restart the worker');
      markFailed(error);
    },
  });
  checkReady();

  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      readyPromise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new IotpError(
                'DEVICE_REGISTRY_NOT_READY',
                `the device registry '${topic}' was not read to its end within ${timeoutMs} ms`,
                { retriable: true, context: { topic, timeoutMs } },
              ),
            ),
          timeoutMs,
        );
      }),
    ]);
  } catch (error) {
    await consumer.disconnect().catch(() => {});
    throw error;
  } finally {
    clearTimeout(timer);
  }

  return {
    get: (id) => table.get(id),
    has: (id) => table.has(id),
    get size() {
      return table.size;
    },
    values: () => table.values(),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get following() {
      return following;
    },
    close: () => consumer.disconnect(),
  };
}
