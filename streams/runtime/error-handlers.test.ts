import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IotpError } from '../../lib/errors.js';
import { TopologyTestDriver } from '../test-utils/topology-test-driver.js';
import { StreamsBuilder } from './dsl/streams-builder.js';
import { ErrorHandlers } from './errors/handlers.js';
import { type Serde, Serdes } from './serde.js';

const str = Serdes.string();
/** The test driver's default application id. */
const APP = 'test-app';

function topology(outSerde: Serde<number> = Serdes.float64()) {
  const b = new StreamsBuilder();
  b.stream('in', { keySerde: str, valueSerde: Serdes.json<{ v: number }>() }, 'readings')
    .mapValues((x) => {
      if (x.v < 0) throw new IotpError('NEGATIVE', `negative reading ${x.v}`);
      return x.v * 2;
    }, 'double')
    .to('out', { keySerde: str, valueSerde: outSerde, name: 'write' });
  return b.build();
}

describe('error handlers (test driver)', () => {
  it('deserialization CONTINUE: the raw bytes go to the dead-letter topic with the shared headers (stage streams, a reason code, the detailed code, the message)', async () => {
    const d = new TopologyTestDriver(topology(), { initialWallClockMs: Date.UTC(2026, 0, 1) });
    await d.pipeRaw('in', Buffer.from('k'), Buffer.from('{not json'), 5, { origin: 'sensor' });
    await d.pipeInput('in', 'k', { v: 2 }, 6);
    const dlq = d.readRawOutput('telemetry.dlq');
    expect(dlq).toHaveLength(1);
    expect(dlq[0]?.value?.toString()).toBe('{not json');
    expect(dlq[0]?.key?.toString()).toBe('k');
    expect(dlq[0]?.headers).toEqual({
      origin: 'sensor',
      'error.stage': 'streams',
      'error.reason': 'DESERIALIZATION_FAILED',
      'error.code': 'SERDE_INVALID_JSON',
      'error.message': 'deserialization: json serde: not JSON on in',
      'error.source': `${APP}/task-0`,
      'error.step': 'readings',
      'error.time': '2026-01-01T00:00:00.000Z',
      'source.topic': 'in',
      'source.partition': '0',
      'source.offset': '0',
      'source.timestamp': '5',
    });
    expect((await d.readOutput<string, number>('out')).map((r) => r.value)).toEqual([4]);
    d.close();
  });

  it('a dead letter near the size limit is cut to fit, with the original size and SHA-256', async () => {
    const d = new TopologyTestDriver(topology(), { maxDeadLetterBytes: 100_000 });
    const value = Buffer.alloc(150_000, 0x7b); // '{{{{...': not JSON
    await d.pipeRaw('in', Buffer.from('k'), value, 5);
    const [dead] = d.readRawOutput('telemetry.dlq');
    expect(dead?.headers).toMatchObject({
      'error.code': 'SERDE_INVALID_JSON',
      'payload.truncated': 'true',
      'payload.size': '150000',
      'payload.sha256': createHash('sha256').update(value).digest('hex'),
    });
    expect(dead?.value?.length).toBeGreaterThan(99_000);
    expect(dead?.value?.length).toBeLessThan(100_000);
    expect(dead?.value?.equals(value.subarray(0, dead.value.length))).toBe(true);
    d.close();
  });

  it('processing CONTINUE names the step that threw; FAIL stops with a coded error', async () => {
    const d = new TopologyTestDriver(topology());
    await d.pipeInput('in', 'k', { v: -1 }, 1);
    const dlq = d.readRawOutput('telemetry.dlq');
    expect(dlq[0]?.headers).toMatchObject({
      'error.stage': 'streams',
      'error.reason': 'PROCESSING_FAILED',
      'error.step': 'double',
      'error.code': 'NEGATIVE',
    });
    expect(dlq[0]?.value?.toString()).toBe('{"v":-1}');
    d.close();

    const failing = new TopologyTestDriver(topology(), { handlers: { processing: ErrorHandlers.fail } });
    await expect(failing.pipeInput('in', 'k', { v: -1 }, 1)).rejects.toMatchObject({
      code: 'STREAMS_PROCESSING_FAILED',
    });
    failing.close();
  });

  it('production: FAIL by default when an output cannot be serialized; CONTINUE dead-letters the source record', async () => {
    const bad: Serde<number> = {
      serialize: () => {
        throw new IotpError('BAD_OUT', 'cannot encode');
      },
      deserialize: () => 0,
    };
    const d = new TopologyTestDriver(topology(bad));
    await expect(d.pipeInput('in', 'k', { v: 1 }, 1)).rejects.toMatchObject({ code: 'STREAMS_PRODUCTION_FAILED' });
    d.close();
    const c = new TopologyTestDriver(topology(bad), { handlers: { production: ErrorHandlers.continue } });
    await c.pipeInput('in', 'k', { v: 1 }, 1);
    const dlq = c.readRawOutput('telemetry.dlq');
    expect(dlq[0]?.headers).toMatchObject({
      'error.stage': 'streams',
      'error.reason': 'PRODUCTION_FAILED',
      'error.step': 'write',
      'error.code': 'BAD_OUT',
      'source.offset': '0',
    });
    expect(dlq[0]?.value?.toString()).toBe('{"v":1}');
    c.close();
  });

  it('an invalid event time is a deserialization-stage dead letter', async () => {
    const d = new TopologyTestDriver(topology());
    await d.pipeRaw('in', Buffer.from('k'), Buffer.from('{"v":1}'), -5);
    expect(d.readRawOutput('telemetry.dlq')[0]?.headers).toMatchObject({
      'error.reason': 'INVALID_TIMESTAMP',
      'error.code': 'STREAMS_INVALID_TIMESTAMP',
    });
    expect(await d.readOutput('out')).toEqual([]);
    d.close();
  });

  it('a retriable error (e.g. registry unavailable) is never dead-lettered: the task fails to be retried', async () => {
    const b = new StreamsBuilder();
    const flaky: Serde<number> = {
      serialize: () => Buffer.from('x'),
      deserialize: async () => {
        throw new IotpError('SERDE_REGISTRY_UNAVAILABLE', 'registry down', { retriable: true });
      },
    };
    b.stream('in', { keySerde: str, valueSerde: flaky }).to('out', { keySerde: str, valueSerde: flaky });
    const d = new TopologyTestDriver(b.build());
    await expect(d.pipeInput('in', 'k', 1, 1)).rejects.toMatchObject({
      code: 'STREAMS_RETRIABLE_ERROR',
      retriable: true,
    });
    expect(d.readRawOutput('telemetry.dlq')).toEqual([]);
    d.close();
  });
});
