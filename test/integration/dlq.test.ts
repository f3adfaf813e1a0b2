/**
 * `iotp dlq stats|show|replay` on the real broker (issue 14): dead letters of the MQTT source (made
 * by the connector's own dead-letter builder) and of the stream runtime in a test's own dead-letter
 * topic. Stats count them, show never prints binary raw, replay is a dry run by default, sends an
 * MQTT dead letter through the connector's checks (a reading when the cause is fixed, a dead letter
 * again when not), sends a consumed record back to its topic and partition untouched, refuses
 * truncated payloads and replays of replays, and is idempotent (receipts).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { deadLetterRecord } from '../../connectors/mqtt-source/dead-letter-record.js';
import type { MqttMessage } from '../../connectors/mqtt-source/mqtt-message.js';
import type { DeadLetterCount } from '../../lib/dead-letter/stats.js';
import { IotpError } from '../../lib/errors.js';
import type { ConsumedRecord, ProducerRecord } from '../../lib/kafka/types.js';
import { repoRoot } from '../../lib/runtime/stack-env.js';
import { deadLetter } from '../../streams/runtime/errors/dead-letter.js';
import { testPipeline } from '../../streams/topologies/test-support/pipeline-fixture.js';
import { kafkaClientFromEnv, readTopic, testDecoder } from '../helpers/kafka.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';

const run = promisify(execFile);
const env = stackEnv();

interface ReplayJson {
  executed: boolean;
  selected: number;
  replayed: number;
  refused: number;
  outcomes: {
    coordinates: string;
    stage: string;
    reason: string;
    refused?: { code: string };
    sent: { topic: string; partition?: number; reason?: string }[];
  }[];
}

describe('iotp dlq (real broker)', () => {
  it(
    'stats, show and replay: dry run by default, through the connector checks, back to the source, idempotent',
    {
      timeout: 300_000,
    },
    async ({ onTestFinished }) => {
      const prefix = uniqueName('dlqcli');
      const pipeline = await testPipeline(env, prefix, { partitions: 2 });
      onTestFinished(() => pipeline.cleanup());
      const dlq = `${prefix}.dlq`;
      const readings = `${prefix}.environment`;
      const client = kafkaClientFromEnv(env, `${prefix}-test`);
      const iotp = async (...args: string[]) =>
        (
          await run(`${repoRoot}/bin/iotp`, ['dlq', ...args, '--config', pipeline.file], {
            cwd: repoRoot,
            maxBuffer: 16 << 20,
          })
        ).stdout;

      const receivedAt = Date.now() - 60_000;
      const mqttMessage = (payload: string | Buffer): MqttMessage => ({
        topic: `${prefix}/s1/d1/environment`,
        payload: Buffer.from(payload),
        qos: 1,
        retain: false,
        dup: false,
        receivedAt,
      });
      const dlqOptions = { topic: dlq, source: 'iotp-mqtt-source-a', key: 'd1', maxBytes: 1_000_000 };
      // A: refused while the route's topic was missing; it exists now (the cause is fixed).
      const fixed = deadLetterRecord(
        mqttMessage(JSON.stringify({ ts: receivedAt - 1000, temperature: 21.5, humidity: 40 })),
        {
          reason: 'UNKNOWN_ROUTE',
          rule: 'kafka-topic',
          message: `the route's Kafka topic '${readings}' does not exist`,
        },
        dlqOptions,
      );
      // B: still not JSON.
      const broken = deadLetterRecord(
        mqttMessage('{"temperature": 2'),
        { reason: 'INVALID_JSON', message: 'not JSON' },
        dlqOptions,
      );
      // C: cut to fit Kafka: the original bytes are gone.
      const cut: ProducerRecord = {
        ...deadLetterRecord(mqttMessage('{"temperature": 1'), { reason: 'OVERSIZE', message: 'too big' }, dlqOptions),
        headers: {
          ...deadLetterRecord(mqttMessage('x'), { reason: 'OVERSIZE', message: 'too big' }, dlqOptions).headers,
          'payload.truncated': 'true',
          'payload.size': '2000000',
          'payload.sha256': 'ab',
        },
      };
      // D: the stream runtime could not decode a binary value read from partition 1 of the readings topic.
      const binary = Buffer.from([0x00, 0x00, 0x00, 0x00, 0x63, 0x1b, 0x5b, 0x32, 0x4a, 0x07, 0xff, 0x00]);
      const undecodable = deadLetter(
        dlq,
        {
          topic: readings,
          partition: 1,
          offset: '5',
          key: Buffer.from('d9'),
          value: binary,
          timestamp: receivedAt - 5000,
          headers: { origin: 'x' },
        },
        'deserialization',
        new IotpError('SERDE_UNKNOWN_SCHEMA_ID', 'schema id 99 is not in the registry'),
        'environment-values',
        Date.now(),
        { applicationId: `${prefix}-aggregate`, taskId: '1' },
      );
      // E: the dead letter of an earlier replay.
      const replayed = { ...broken, headers: { ...broken.headers, 'replay.of': `${dlq}/0/0` } };
      const producer = client.producer();
      await producer.connect();
      await producer.send([fixed, broken, cut, replayed].map((r) => ({ ...r, partition: 0 })));
      await producer.send([{ ...undecodable, partition: 0, key: undecodable.key, headers: undecodable.headers ?? {} }]);
      await producer.disconnect();
      const coords = (i: number) => `${dlq}/0/${i}`; // A 0, B 1, C 2, E 3, D 4

      // stats
      const stats = JSON.parse(await iotp('stats', '--json')) as { rows: DeadLetterCount[]; receipts: number };
      const counts = Object.fromEntries(stats.rows.map((r) => [`${r.stage} ${r.reason} ${r.topic}`, r.count]));
      expect(counts).toEqual({
        [`mqtt-source INVALID_JSON mqtt:${prefix}/s1/d1/environment`]: 2,
        [`mqtt-source UNKNOWN_ROUTE mqtt:${prefix}/s1/d1/environment`]: 1,
        [`mqtt-source OVERSIZE mqtt:${prefix}/s1/d1/environment`]: 1,
        [`streams DESERIALIZATION_FAILED ${readings}`]: 1,
      });
      expect(await iotp('stats', '--stage', 'streams')).toMatch(/streams\s+DESERIALIZATION_FAILED\s+\S+\s+1/);

      // show: binary as hex, no raw control byte reaches the terminal
      const shown = await iotp('show', '--reason', 'DESERIALIZATION_FAILED');
      expect(shown).toContain('binary, as hex');
      expect(shown).toContain('00 00 00 00 63 1b 5b 32 4a 07 ff 00');
      expect([...shown].filter((c) => (c.codePointAt(0) ?? 0) < 0x20 && c !== '\n')).toEqual([]);
      expect(shown).toContain('error.reason         DESERIALIZATION_FAILED');

      const ends = async () => ({
        dlq: (await readTopic(client, dlq, 'read_committed')).length,
        readings: (await readTopic(client, readings, 'read_committed')).length,
      });
      const before = await ends();

      // replay: a dry run by default, which says what would happen and sends nothing
      const dry = JSON.parse(await iotp('replay', '--json')) as ReplayJson;
      expect(dry.executed).toBe(false);
      const byCoords = (r: ReplayJson) => Object.fromEntries(r.outcomes.map((o) => [o.coordinates, o]));
      expect(byCoords(dry)[coords(0)]?.sent).toEqual([{ topic: readings }]);
      expect(byCoords(dry)[coords(1)]?.sent).toEqual([{ topic: dlq, reason: 'INVALID_JSON' }]);
      expect(byCoords(dry)[coords(2)]?.refused?.code).toBe('PAYLOAD_TRUNCATED');
      expect(byCoords(dry)[coords(3)]?.refused?.code).toBe('REPLAY_OF_REPLAY');
      expect(byCoords(dry)[coords(4)]?.sent).toEqual([{ topic: readings, partition: 1 }]);
      expect(await iotp('replay')).toContain('dry run: nothing sent');
      expect(await ends()).toEqual(before);

      // replay one reason: the fixed MQTT dead letter passes the connector's checks and becomes a reading
      const first = JSON.parse(await iotp('replay', '--reason', 'UNKNOWN_ROUTE', '--execute', '--json')) as ReplayJson;
      expect(first).toMatchObject({ executed: true, selected: 1, replayed: 1, refused: 0 });
      const afterFirst = await readTopic(client, readings, 'read_committed');
      expect(afterFirst).toHaveLength(before.readings + 1);
      const reading = afterFirst.find((r) => r.headers['replay.of'] === coords(0)) as ConsumedRecord;
      expect(reading.key?.toString()).toBe('d1');
      expect(await testDecoder(env.SCHEMA_REGISTRY_URL as string).decode(reading)).toMatchObject({
        deviceId: 'd1',
        site: 's1',
        temperature: 21.5,
        humidity: 40,
      });

      // replay the rest: B is a dead letter again, D goes back to its topic and partition untouched
      const rest = JSON.parse(await iotp('replay', '--execute', '--json')) as ReplayJson;
      const out = byCoords(rest);
      expect(out[coords(0)]?.refused?.code).toBe('ALREADY_REPLAYED');
      expect(out[coords(1)]?.sent).toEqual([{ topic: dlq, reason: 'INVALID_JSON' }]);
      expect(out[coords(4)]?.sent).toEqual([{ topic: readings, partition: 1 }]);
      const back = (await readTopic(client, readings, 'read_committed')).find(
        (r) => r.headers['replay.of'] === coords(4),
      );
      expect(back).toMatchObject({
        partition: 1,
        timestamp: receivedAt - 5000,
        headers: { origin: 'x', 'replay.of': coords(4) },
      });
      expect(back?.value?.equals(binary)).toBe(true);
      expect(back?.key?.toString()).toBe('d9');
      const again = (await readTopic(client, dlq, 'read_committed')).filter(
        (r) => r.headers['replay.of'] === coords(1) && r.value !== null,
      );
      expect(again).toHaveLength(1);
      expect(again[0]?.headers).toMatchObject({ 'error.stage': 'mqtt-source', 'error.reason': 'INVALID_JSON' });
      expect(again[0]?.value?.toString()).toBe('{"temperature": 2');

      // idempotent: nothing is sent twice, and the dead letter of a replay is not replayed
      const settled = await ends();
      const third = JSON.parse(await iotp('replay', '--execute', '--json')) as ReplayJson;
      expect(third.replayed).toBe(0);
      expect(new Set(third.outcomes.map((o) => o.refused?.code))).toEqual(
        new Set(['ALREADY_REPLAYED', 'PAYLOAD_TRUNCATED', 'REPLAY_OF_REPLAY']),
      );
      expect(await ends()).toEqual(settled);
      expect((JSON.parse(await iotp('stats', '--json')) as { receipts: number }).receipts).toBe(3);
    },
  );
});
