/**
 * Commands to devices on the real stack (issue 16): `iotp connect mqtt-sink` publishes a command
 * from Kafka to the device's own topic, the device answers on its ack topic, and the MQTT source
 * routes the answer (an event route of the YAML, no code) to the status topic. An expired command
 * is dead-lettered with its reason; the ACL keeps a device out of another device's commands.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answer,
  type CommandsWorkspace,
  command,
  commandsWorkspace,
  connectDevice,
} from '../../connectors/mqtt-sink/test-support/commands-fixture.js';
import type { ChildWorker } from '../helpers/child-process.js';
import { readTopic, testDecoder } from '../helpers/kafka.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';
import { waitUntil } from '../helpers/wait.js';

const env = stackEnv();

describe('commands to devices: mqtt-sink, device answers, command status (real Mosquitto, Kafka, Apicurio)', () => {
  let ws: CommandsWorkspace;
  let sink: ChildWorker;
  let source: ChildWorker;
  const devices: MqttClient[] = [];
  const name = uniqueName('mqttsink');
  const decoder = testDecoder(env.SCHEMA_REGISTRY_URL ?? '');

  beforeAll(async () => {
    ws = await commandsWorkspace(env, name);
    source = await ws.spawnSource('a');
    sink = await ws.spawnSink('a');
    expect(await source.waitReady(60_000), source.output().slice(-3000)).toBe(true);
    expect(await sink.waitReady(60_000), sink.output().slice(-3000)).toBe(true);
  }, 120_000);

  afterAll(async () => {
    for (const d of devices) await d.endAsync(true);
    await ws?.cleanup();
  });

  /** A device that answers every command it receives; `got` lists their correlation ids. */
  async function answeringDevice(deviceId: string): Promise<{ client: MqttClient; got: string[] }> {
    const client = await connectDevice(env, deviceId);
    devices.push(client);
    const got: string[] = [];
    client.on('message', (_topic, payload) => {
      got.push((JSON.parse(payload.toString('utf8')) as { correlationId: string }).correlationId);
      void answer(client, deviceId, payload);
    });
    const granted = await client.subscribeAsync(`devices/${deviceId}/cmd`, { qos: 1 });
    expect(granted[0]?.qos).toBe(1);
    return { client, got };
  }

  it(
    'round trip: command -> devices/<id>/cmd -> the device answers -> telemetry status record',
    { timeout: 90_000 },
    async () => {
      const ids = [`${name}-d1`, `${name}-d2`];
      const d = await Promise.all(ids.map(answeringDevice));
      const sent = ids.flatMap((id) => [
        command(id, { payload: '{"field":"temperature"}' }),
        command(id, { name: 'set-interval', payload: '{"seconds":30}' }),
      ]);
      await ws.send(sent);

      await waitUntil(
        () => `4 status records on ${ws.topics.status} (sink: ${sink.output().slice(-2000)})`,
        async () => (await readTopic(ws.kafka, ws.topics.status)).length >= 4,
        60_000,
      );
      // Each device got its own two commands, in order, and nothing else.
      expect(d[0]?.got).toEqual(sent.slice(0, 2).map((c) => c.correlationId));
      expect(d[1]?.got).toEqual(sent.slice(2).map((c) => c.correlationId));

      const statuses = await Promise.all((await readTopic(ws.kafka, ws.topics.status)).map((r) => decoder.decode(r)));
      expect(statuses.map((s) => s.correlationId).sort()).toEqual(sent.map((c) => c.correlationId).sort());
      for (const s of statuses) {
        const c = sent.find((x) => x.correlationId === s.correlationId);
        expect(s).toMatchObject({ deviceId: c?.deviceId, name: c?.name, status: 'DONE', detail: 'test device' });
      }
      expect(await sink.metric('iotp_mqtt_sink_commands_published_total')).toBeGreaterThanOrEqual(4);
      const latencyCount = await sink.metric('iotp_mqtt_sink_publish_latency_seconds_count');
      expect(latencyCount).toBeGreaterThanOrEqual(4);
    },
  );

  it(
    'an expired command is dead-lettered with its reason, never published; the next one is',
    { timeout: 90_000 },
    async () => {
      const id = `${name}-d3`;
      const d = await answeringDevice(id);
      const expired = command(id, { expiry: Date.now() - 1_000 });
      const live = command(id, { expiry: Date.now() + 600_000 });
      await ws.send([expired, live]);
      await waitUntil(
        () => `the live command reached ${id}`,
        async () => d.got.includes(live.correlationId),
        60_000,
      );
      expect(d.got).toEqual([live.correlationId]);
      const dead = await readTopic(ws.kafka, ws.topics.dlq);
      expect(dead).toHaveLength(1);
      expect(dead[0]?.key?.toString()).toBe(id);
      expect(dead[0]?.headers).toMatchObject({
        'error.stage': 'mqtt-sink',
        'error.reason': 'COMMAND_EXPIRED',
        'error.code': 'MQTT_SINK_COMMAND_EXPIRED',
        'source.topic': ws.topics.commands,
      });
      expect(dead[0]?.headers['error.message']).toMatch(/expired at/);
      expect(await decoder.decode(dead[0] as never)).toMatchObject({ correlationId: expired.correlationId });
      expect(await sink.metric('iotp_mqtt_sink_commands_expired_total')).toBe(1);
    },
  );

  it('ACL: a device cannot read another device’s commands, nor answer for it', { timeout: 60_000 }, async () => {
    const victim = `${name}-victim`;
    const intruder = `${name}-intruder`;
    const v = await answeringDevice(victim);
    const spy = await connectDevice(env, intruder);
    devices.push(spy);
    const seen: string[] = [];
    spy.on('message', (topic) => seen.push(topic));
    // Mosquitto (2.0.11 and 2.0.21) grants both subscriptions (SUBACK QoS 1) and checks read access
    // on every message it would deliver; a broker that refuses them at SUBSCRIBE (reason code >= 128)
    // is as good. Either way nothing may arrive.
    const granted = await spy.subscribeAsync([`devices/${victim}/cmd`, 'devices/+/cmd'], { qos: 1 });
    for (const g of granted) expect([1, 128, 135]).toContain(g.qos);

    const c = command(victim);
    await ws.send([c]);
    await waitUntil(
      () => `the victim got its command`,
      async () => v.got.includes(c.correlationId),
      30_000,
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(seen).toEqual([]);

    // An answer for another device is refused by the broker (MQTT 5 PUBACK 135).
    const forged = await spy
      .publishAsync(`devices/${victim}/cmd/ack`, JSON.stringify({ deviceId: victim }), { qos: 1 })
      .then(
        () => 'accepted',
        (error: Error & { code?: number }) => error.code,
      );
    expect(forged).toBe(135);
  });
});
