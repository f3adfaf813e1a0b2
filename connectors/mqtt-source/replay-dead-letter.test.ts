import { describe, expect, it } from 'vitest';
import type { ConsumedRecord, ProducerRecord } from '../../lib/kafka/types.js';
import { createGatewayPolicy } from './gateway-policy.js';
import { type DeadLetter, processMessage } from './process-message.js';
import { messageOfDeadLetter, planForDeadLetter } from './replay-dead-letter.js';
import { message, processOptions, RECEIVED_AT } from './test-support/fixtures.js';

const options = processOptions({ gateways: createGatewayPolicy({ 'gw-1': ['leaf-*'] }) });
const ts = RECEIVED_AT - 10_000;

/** A dead letter as read back from Kafka. */
function consumed(record: ProducerRecord, offset = 7): ConsumedRecord {
  return {
    topic: record.topic,
    partition: 0,
    offset: String(offset),
    key: typeof record.key === 'string' ? Buffer.from(record.key) : record.key,
    value: record.value,
    timestamp: record.timestamp ?? 0,
    headers: record.headers ?? {},
  };
}
const deadOf = (plan: ReturnType<typeof processMessage>) =>
  plan.records.filter((r): r is DeadLetter => r.kind === 'dead-letter');

describe('replaying an MQTT-source dead letter through the same checks', () => {
  it('rebuilds the MQTT message from the raw bytes and mqtt.* headers (original receive time)', () => {
    const original = message('sensors/lab/d1/environment', '{"temperature": 2');
    const [dead] = deadOf(processMessage(original, options));
    const rebuilt = messageOfDeadLetter(consumed(dead?.record as ProducerRecord));
    expect(rebuilt).toEqual({ ...original, dup: false });
    // Same input, same checks: the same verdict.
    const again = processMessage(rebuilt as typeof original, options);
    expect(deadOf(again).map((d) => d.reason)).toEqual(['INVALID_JSON']);
    expect(messageOfDeadLetter(consumed({ topic: 'dlq', key: null, value: null, headers: {} }))).toBe(
      'no mqtt.topic header',
    );
  });

  it('keeps only what the refused element of a gateway batch turns into; the batch readings written before are not sent again', () => {
    const payload = JSON.stringify([
      { deviceId: 'leaf-1', ts, temperature: 20 },
      { deviceId: 'leaf-2', ts: ts + 1, temperature: 'hot' },
      { deviceId: 'leaf-3', ts: ts + 2, temperature: 22 },
    ]);
    const first = processMessage(message('sensors/lab/gw-1/environment', payload), options);
    const [dead] = deadOf(first);
    expect(dead?.record.headers?.['error.index']).toBe('1');
    const dl = consumed(dead?.record as ProducerRecord);
    const plan = planForDeadLetter(dl, processMessage(messageOfDeadLetter(dl) as never, options));
    expect(typeof plan).toBe('object');
    const records = (plan as ReturnType<typeof processMessage>).records;
    expect(records).toHaveLength(1);
    expect(records[0]?.kind).toBe('dead-letter');
    expect((records[0] as DeadLetter).record.headers?.['error.index']).toBe('1');
  });
});
