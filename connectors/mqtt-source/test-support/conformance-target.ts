import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { readTopic, kafkaClientOn as testKafka } from '../../../test/helpers/kafka.js';
import type { ConformanceTarget, RunningConnector } from '../../conformance/conformance-target.js';
import { spawnConnector } from './connector-process.js';
import { connectPublisher, publishAll } from './publish.js';
import { createScenario } from './scenario.js';

/**
 * The MQTT source under the connector conformance suite: `iotp connect mqtt-source` as a child
 * process on the real stack; items are readings of 8 devices whose event time carries the item.
 */
export function createMqttConformanceTarget(env: Record<string, string>): ConformanceTarget {
  const kafka = testKafka(env.KAFKA_BROKERS as string, 'mqtt-conformance');
  const scenario = createScenario(env, kafka, 'mqtt-conf');
  const base = Date.now() - 3_600_000;
  const byRecord = new Map<string, string>();
  let counter = 0;
  let dir = '';
  const config = () => join(dir, 'pipeline.yaml');
  const http = (port: number, path: string) =>
    fetch(`http://127.0.0.1:${port}${path}`).then(
      (r) => r.status === 200,
      () => false,
    );

  return {
    name: 'mqtt-source',
    deadLetterHeaders: [
      'error.stage',
      'error.reason',
      'error.message',
      'error.time',
      'mqtt.topic',
      'mqtt.qos',
      'mqtt.received_at',
    ],
    async setup() {
      await scenario.createTopics();
      dir = mkdtempSync(join(tmpdir(), 'iotp-mqtt-conf-'));
      writeFileSync(config(), stringify(scenario.pipelineYaml()));
    },
    async teardown() {
      await scenario.deleteTopics();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
    async start(replica): Promise<RunningConnector> {
      const child = await spawnConnector(config(), replica);
      return {
        ready: () => http(child.port, '/readyz'),
        healthy: () => http(child.port, '/healthz'),
        stop: () => child.stop(),
        kill9: () => child.kill9(),
      };
    },
    async feed(ids) {
      const messages = ids.map((id) => {
        const n = counter++;
        const device = `conf-${n % 8}`;
        const ts = base + n;
        byRecord.set(`${device}@${ts}`, id);
        return { topic: scenario.readingTopic(device), payload: JSON.stringify({ ts, temperature: n % 100 }) };
      });
      const pub = await connectPublisher(env.MQTT_URL as string);
      try {
        await publishAll(pub, messages, 200);
      } finally {
        await pub.endAsync();
      }
    },
    async feedBad() {
      const bad = [
        { reason: 'INVALID_JSON', topic: scenario.readingTopic('conf-bad'), raw: Buffer.from('{"temperature":') },
        {
          reason: 'NON_FINITE',
          topic: scenario.readingTopic('conf-bad'),
          raw: Buffer.from('{"temperature":"Infinity"}'),
        },
        { reason: 'SCHEMA_VIOLATION', topic: scenario.readingTopic('conf-bad'), raw: Buffer.from('{"humidity":[1]}') },
        {
          reason: 'DEVICE_SPOOFED',
          topic: scenario.readingTopic('conf-bad'),
          raw: Buffer.from('{"deviceId":"conf-0","pressure":1}'),
        },
      ];
      const pub = await connectPublisher(env.MQTT_URL as string);
      try {
        for (const b of bad) await pub.publishAsync(b.topic, b.raw, { qos: 1 });
      } finally {
        await pub.endAsync();
      }
      return bad.map(({ reason, raw }) => ({ reason, raw }));
    },
    async delivered() {
      const out: { key: string; id: string }[] = [];
      for (const r of await readTopic(kafka, scenario.topics.environment)) {
        const key = r.key?.toString() ?? '';
        const id = byRecord.get(`${key}@${r.timestamp}`);
        if (id !== undefined) out.push({ key, id });
      }
      return out;
    },
    async deadLetters() {
      return (await readTopic(kafka, scenario.topics.dlq)).map((r) => ({
        reason: r.headers['error.reason'] ?? '',
        raw: r.value ?? Buffer.alloc(0),
        headers: r.headers,
      }));
    },
  };
}
