import type { DeliveryReport, LibrdKafkaError, MessageHeader, Producer as RdProducer } from 'node-rdkafka';
import type { ProducerRecord, RecordMetadata } from '../types.js';
import { fromRdkafkaError } from './errors.js';
import { rdkafkaCode } from './load.js';

interface Deferred {
  resolve(metadata: RecordMetadata): void;
  reject(error: unknown): void;
}

/** How often delivery reports are served while some are awaited. */
const POLL_MS = 2;
const QUEUE_FULL_WAIT_MS = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Promise-wrapped produce on node-rdkafka: each record carries a deferred as its opaque, resolved by
 * its delivery report (served by a poll timer that runs only while reports are awaited). Records are
 * handed to librdkafka in call order, one `send` after the other; when librdkafka's queue is full,
 * producing waits for it to drain.
 */
export class Deliveries {
  private pending = 0;
  private timer: NodeJS.Timeout | undefined;
  private enqueuing: Promise<unknown> = Promise.resolve();
  private readonly queueFull = rdkafkaCode('ERR__QUEUE_FULL');

  constructor(
    private readonly producer: RdProducer,
    private readonly operation: string,
  ) {
    producer.on('delivery-report', (err: LibrdKafkaError, report: DeliveryReport) => {
      this.pending--;
      const deferred = report.opaque as Deferred;
      if (err)
        deferred.reject(fromRdkafkaError(err, this.operation, { topic: report.topic, partition: report.partition }));
      else deferred.resolve({ topic: report.topic, partition: report.partition, offset: String(report.offset) });
      if (this.pending === 0) this.stopPolling();
    });
  }

  async send(records: ProducerRecord[]): Promise<RecordMetadata[]> {
    const deliveries: Promise<RecordMetadata>[] = [];
    const enqueued = this.enqueuing.then(async () => {
      for (const r of records) {
        let deferred: Deferred | undefined;
        const delivered = new Promise<RecordMetadata>((resolve, reject) => {
          deferred = { resolve, reject };
        });
        // Attached now so an early failure is not unhandled while later records are produced.
        delivered.catch(() => {});
        deliveries.push(delivered);
        while (!this.tryProduce(r, deferred!)) await sleep(QUEUE_FULL_WAIT_MS);
      }
    });
    this.enqueuing = enqueued.catch(() => {});
    await enqueued;
    return Promise.all(deliveries);
  }

  /** False when librdkafka's queue is full (retry later); a failed record rejects its deferred. */
  private tryProduce(r: ProducerRecord, deferred: Deferred): boolean {
    const headers: MessageHeader[] | undefined = r.headers
      ? Object.entries(r.headers).map(([k, v]) => ({ [k]: v }))
      : undefined;
    try {
      this.producer.produce(r.topic, r.partition ?? null, r.value, r.key, r.timestamp ?? null, deferred, headers);
      this.pending++;
      this.startPolling();
      return true;
    } catch (e) {
      if ((e as { code?: number }).code === this.queueFull) {
        this.producer.poll();
        return false;
      }
      deferred.reject(fromRdkafkaError(e, this.operation, { topic: r.topic }));
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
