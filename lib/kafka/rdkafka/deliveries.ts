import type { DeliveryReport, LibrdKafkaError, MessageHeader, Producer as RdProducer } from 'node-rdkafka';
import type { ProducerRecord, RecordMetadata } from '../types.js';
import { fromRdkafkaError } from './errors.js';
import { createHeaderCache } from './header-cache.js';
import { rdkafkaCode } from './load.js';

/** One `send`: its records' metadata, settled once every record has its delivery report. */
interface SendState {
  metadata: RecordMetadata[];
  remaining: number;
  settled: boolean;
  resolve(metadata: RecordMetadata[]): void;
  reject(error: unknown): void;
}

/** What a record carries through librdkafka (its opaque): its send and its place in it. */
interface Slot {
  send: SendState;
  index: number;
}

/** How often delivery reports are served while some are awaited. */
const POLL_MS = 2;
const QUEUE_FULL_WAIT_MS = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Promise-wrapped produce on node-rdkafka: each record carries its send and index as its opaque;
 * its delivery report fills in its metadata, and the send resolves when the last one comes (or
 * rejects at the first failure). Reports are served by a poll timer that runs only while some are
 * awaited. Records are handed to librdkafka in call order, one `send` after the other; when
 * librdkafka's queue is full, producing waits for it to drain. Header objects are reused across
 * records (header-cache.ts).
 */
export class Deliveries {
  private pending = 0;
  private timer: NodeJS.Timeout | undefined;
  private enqueuing: Promise<unknown> = Promise.resolve();
  private readonly queueFull = rdkafkaCode('ERR__QUEUE_FULL');
  private readonly headers = createHeaderCache();

  constructor(
    private readonly producer: RdProducer,
    private readonly operation: string,
  ) {
    producer.on('delivery-report', (err: LibrdKafkaError, report: DeliveryReport) => {
      this.pending--;
      const slot = report.opaque as Slot;
      if (err)
        this.fail(
          slot.send,
          fromRdkafkaError(err, this.operation, { topic: report.topic, partition: report.partition }),
        );
      else this.delivered(slot, { topic: report.topic, partition: report.partition, offset: String(report.offset) });
      if (this.pending === 0) this.stopPolling();
    });
  }

  send(records: ProducerRecord[]): Promise<RecordMetadata[]> {
    return new Promise<RecordMetadata[]>((resolve, reject) => {
      const state: SendState = {
        metadata: new Array<RecordMetadata>(records.length),
        remaining: records.length,
        settled: false,
        resolve,
        reject,
      };
      if (records.length === 0) {
        resolve([]);
        return;
      }
      const enqueued = this.enqueuing.then(async () => {
        for (let index = 0; index < records.length; index++) {
          const slot: Slot = { send: state, index };
          while (!this.tryProduce(records[index] as ProducerRecord, slot)) await sleep(QUEUE_FULL_WAIT_MS);
        }
      });
      this.enqueuing = enqueued.catch(() => {});
      enqueued.catch((error: unknown) => this.fail(state, error));
    });
  }

  private delivered(slot: Slot, metadata: RecordMetadata): void {
    const state = slot.send;
    state.metadata[slot.index] = metadata;
    state.remaining--;
    if (state.remaining === 0 && !state.settled) {
      state.settled = true;
      state.resolve(state.metadata);
    }
  }

  private fail(state: SendState, error: unknown): void {
    state.remaining--;
    if (state.settled) return;
    state.settled = true;
    state.reject(error);
  }

  /** False when librdkafka's queue is full (retry later); a failed record fails its send. */
  private tryProduce(r: ProducerRecord, slot: Slot): boolean {
    const headers: MessageHeader[] | undefined = r.headers ? this.headers.toRdkafka(r.headers) : undefined;
    try {
      this.producer.produce(r.topic, r.partition ?? null, r.value, r.key, r.timestamp ?? null, slot, headers);
      this.pending++;
      this.startPolling();
      return true;
    } catch (e) {
      if ((e as { code?: number }).code === this.queueFull) {
        this.producer.poll();
        return false;
      }
      this.fail(slot.send, fromRdkafkaError(e, this.operation, { topic: r.topic }));
      return true;
    }
  }

  private startPolling(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      try {
        this.producer.poll();
      } catch {
        // Disconnected: librdkafka fails what is still queued when it closes.
      }
    }, POLL_MS);
  }

  private stopPolling(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Stops the poll timer (after the final flush). */
  close(): void {
    this.stopPolling();
  }
}
