/**
 * Smoke tests: each real server of the local stack works from Node (and from third-party clients).
 * The Kafka client seam has its own contract suite (kafka-contract.test.ts, both backends, both
 * listeners); here third-party clients check the listeners: kcat on PLAINTEXT, Kafka's Java admin
 * client on SASL_SSL. (Debian's kcat links librdkafka 1.9.2, whose SCRAM login Kafka 4.3 refuses
 * with 'invalid credentials' while the Java client and librdkafka 2.12 succeed: docs/STACK.md.)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfluxDB, Point } from '@influxdata/influxdb-client';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { influxQl } from '../../lib/influx/influxql-client.js';
import { addMqttUser } from '../helpers/mosquitto.js';
import { stackEnv, uniqueName } from '../helpers/stack.js';

const env = stackEnv();
const clients: MqttClient[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)));
});

async function connect(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options });
  clients.push(client);
  return client;
}

function nextMessage(client: MqttClient, timeoutMs = 5000): Promise<{ topic: string; payload: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message within ${timeoutMs} ms`)), timeoutMs);
    client.once('message', (topic, payload) => {
      clearTimeout(timer);
      resolve({ topic, payload: payload.toString() });
    });
  });
}

describe('Mosquitto', () => {
  it('publishes and subscribes on the plain listener', async () => {
    const topic = `smoke/${uniqueName('t')}`;
    const sub = await connect(env.MQTT_URL!);
    await sub.subscribeAsync(topic, { qos: 1 });
    const received = nextMessage(sub);
    const pub = await connect(env.MQTT_URL!);
    await pub.publishAsync(topic, 'hello', { qos: 1 });
    expect(await received).toEqual({ topic, payload: 'hello' });
  });

  it('refuses anonymous clients on the password listeners', async () => {
    await expect(connect(env.MQTT_AUTH_URL!)).rejects.toThrow(/Not authorized|Bad username or password/i);
    await expect(connect(env.MQTTS_URL!, { ca: readFileSync(env.MQTT_CA!) })).rejects.toThrow(
      /Not authorized|Bad username or password/i,
    );
  });

  it('refuses a wrong password', async () => {
    await expect(connect(env.MQTT_AUTH_URL!, { username: env.MQTT_USERNAME, password: 'wrong' })).rejects.toThrow(
      /Not authorized|Bad username or password/i,
    );
  });

  it('over TLS with passwords: a device publishes under its own id, never under another', async () => {
    const deviceId = uniqueName('dev');
    const site = 'smoke';
    await addMqttUser(deviceId, 'device-secret');
    const tls = { ca: readFileSync(env.MQTT_CA!) };
    const connector = await connect(env.MQTTS_URL!, {
      ...tls,
      username: env.MQTT_USERNAME,
      password: env.MQTT_PASSWORD,
    });
    await connector.subscribeAsync('sensors/smoke/#', { qos: 1 });
    const device = await connect(env.MQTTS_URL!, {
      ...tls,
      username: deviceId,
      password: 'device-secret',
      protocolVersion: 5,
    });

    const own = nextMessage(connector);
    await device.publishAsync(`sensors/${site}/${deviceId}/environment`, '{"temperature":21.5}', { qos: 1 });
    expect(await own).toEqual({ topic: `sensors/${site}/${deviceId}/environment`, payload: '{"temperature":21.5}' });

    // MQTT 5: Mosquitto answers a publish outside the ACL with reason code 0x87 (not authorized)
    // and does not deliver it.
    const foreign = `sensors/${site}/someone-else/environment`;
    const delivered = nextMessage(connector, 1500).then(
      () => true,
      () => false,
    );
    await expect(device.publishAsync(foreign, '{"temperature":99}', { qos: 1 })).rejects.toThrow(/Not authorized|135/);
    expect(await delivered).toBe(false);
  });

  it('TLS: a client that does not trust the test CA cannot connect', async () => {
    await expect(
      connect(env.MQTTS_URL!, { username: env.MQTT_USERNAME, password: env.MQTT_PASSWORD, rejectUnauthorized: true }),
    ).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });

  it('TLS: accepts an optional client certificate', async () => {
    const client = await connect(env.MQTTS_URL!, {
      ca: readFileSync(env.MQTT_CA!),
      cert: readFileSync(env.MQTT_CLIENT_CERT!),
      key: readFileSync(env.MQTT_CLIENT_KEY!),
      username: env.MQTT_USERNAME,
      password: env.MQTT_PASSWORD,
    });
    expect(client.connected).toBe(true);
  });
});

describe('Kafka', () => {
  // Kafka's own Java tools (the broker jars) act as a third-party admin client.
  const javaTool = (args: string) =>
    execFileSync(
      'bash',
      [
        '-c',
        `source scripts/stack/lib.sh && java -Xmx128m -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "$KAFKA_LIBS/*" ${args}`,
      ],
      { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] },
    );
  const saslProperties = (password: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'iotp-sasl-')), 'client.properties');
    writeFileSync(
      file,
      [
        'security.protocol=SASL_SSL',
        'sasl.mechanism=SCRAM-SHA-256',
        `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${env.KAFKA_SASL_USERNAME}" password="${password}";`,
        'ssl.truststore.type=PEM',
        `ssl.truststore.location=${env.KAFKA_SSL_CA}`,
      ].join('\n'),
    );
    return file;
  };

  it('kcat (librdkafka) produces and consumes on the PLAINTEXT listener', () => {
    const topic = uniqueName('smoke-kcat');
    javaTool(
      `org.apache.kafka.tools.TopicCommand --bootstrap-server ${env.KAFKA_BROKERS} --create --topic ${topic} --partitions 2`,
    );
    const kcat = (args: string[], input?: string) =>
      execFileSync('kcat', ['-b', env.KAFKA_BROKERS!, ...args], { input, encoding: 'utf8', timeout: 30_000 });
    kcat(['-P', '-t', topic, '-K', ':'], 'k1:one\nk2:two\n');
    const out = kcat(['-C', '-t', topic, '-e', '-q', '-f', '%k=%s\n']);
    expect(out.trim().split('\n').sort()).toEqual(['k1=one', 'k2=two']);
    javaTool(`org.apache.kafka.tools.TopicCommand --bootstrap-server ${env.KAFKA_BROKERS} --delete --topic ${topic}`);
  });

  it('the Java admin client authenticates over SASL_SSL (SCRAM-SHA-256) and sees the cluster', () => {
    const topics = javaTool(
      `org.apache.kafka.tools.TopicCommand --bootstrap-server ${env.KAFKA_SASL_BROKERS} --command-config ${saslProperties(env.KAFKA_SASL_PASSWORD!)} --list`,
    );
    expect(topics.split('\n')).toContain('__consumer_offsets');
  });

  it('refuses SASL_SSL with a wrong password', () => {
    expect(() =>
      javaTool(
        `org.apache.kafka.tools.TopicCommand --bootstrap-server ${env.KAFKA_SASL_BROKERS} --command-config ${saslProperties('wrong')} --list`,
      ),
    ).toThrow(/Authentication failed|SaslAuthenticationException/);
  });
});

describe('Schema registry (Apicurio, Confluent API)', () => {
  const url = env.SCHEMA_REGISTRY_URL!;
  const json = { 'content-type': 'application/vnd.schemaregistry.v1+json' };
  const writer = `Basic ${Buffer.from(`${env.SCHEMA_REGISTRY_USERNAME}:${env.SCHEMA_REGISTRY_PASSWORD}`).toString('base64')}`;

  it('registers an Avro schema (with credentials) and fetches it by id; deletion is refused', async () => {
    const subject = `${uniqueName('smoke')}-value`;
    const schema = { type: 'record', name: 'Smoke', fields: [{ name: 'x', type: 'double' }] };
    const reg = await fetch(`${url}/subjects/${subject}/versions`, {
      method: 'POST',
      headers: { ...json, authorization: writer },
      body: JSON.stringify({ schema: JSON.stringify(schema) }),
    });
    expect(reg.status).toBe(200);
    const { id } = (await reg.json()) as { id: number };
    expect(Number.isInteger(id)).toBe(true);
    const fetched = (await (await fetch(`${url}/schemas/ids/${id}`)).json()) as { schema: string };
    expect(JSON.parse(fetched.schema)).toEqual(schema);
    const latest = (await (await fetch(`${url}/subjects/${subject}/versions/latest`)).json()) as { id: number };
    expect(latest.id).toBe(id);
    const deletion = await fetch(`${url}/subjects/${subject}`, {
      method: 'DELETE',
      headers: { authorization: writer },
    });
    expect(deletion.status).toBe(405);
    await deletion.body?.cancel();
  });

  it('defaults to BACKWARD compatibility, as Confluent does', async () => {
    const config = (await (await fetch(`${url}/config`)).json()) as { compatibilityLevel: string };
    expect(config.compatibilityLevel).toBe('BACKWARD');
  });
});

describe('InfluxDB', () => {
  const url = env.INFLUX_URL!;
  const auth = `Basic ${Buffer.from(`${env.INFLUX_USERNAME}:${env.INFLUX_PASSWORD}`).toString('base64')}`;
  const q = influxQl({
    url,
    database: env.INFLUX_DB ?? 'telemetry',
    username: env.INFLUX_USERNAME,
    password: env.INFLUX_PASSWORD,
  });
  const influxql = (statement: string) => q.query(statement);

  it('writes through the v1 API (/write, basic auth) and reads back with InfluxQL', async () => {
    const m = uniqueName('smoke_v1').replaceAll('-', '_');
    const res = await fetch(`${url}/write?db=${env.INFLUX_DB}&precision=ms`, {
      method: 'POST',
      headers: { authorization: auth },
      body: `${m},deviceId=d1 temperature=21.5 1700000000000`,
    });
    expect(res.status).toBe(204);
    const out = await influxql(`SELECT temperature FROM "${m}"`);
    expect(out.series[0]?.values).toEqual([[1700000000000, 21.5]]);
    await influxql(`DROP MEASUREMENT "${m}"`);
  });

  it('writes through the v2 API (@influxdata/influxdb-client) and reads back with Flux', async () => {
    const m = uniqueName('smoke_v2').replaceAll('-', '_');
    const client = new InfluxDB({ url, token: env.INFLUX_TOKEN! });
    const writer = client.getWriteApi(env.INFLUX_ORG ?? '-', env.INFLUX_BUCKET!, 'ms');
    writer.writePoint(new Point(m).tag('deviceId', 'd2').floatField('humidity', 40.25).timestamp(1700000000000));
    await writer.close();
    const rows = await client
      .getQueryApi(env.INFLUX_ORG ?? '-')
      .collectRows<{ _value: number; deviceId: string }>(
        `from(bucket: "${env.INFLUX_BUCKET}") |> range(start: 2023-11-14T00:00:00Z, stop: 2023-11-15T00:00:00Z) |> filter(fn: (r) => r._measurement == "${m}")`,
      );
    expect(rows.map((r) => [r.deviceId, r._value])).toEqual([['d2', 40.25]]);
    await influxql(`DROP MEASUREMENT "${m}"`);
  });

  it('refuses a wrong password', async () => {
    const res = await fetch(`${url}/query?q=SHOW%20DATABASES`, {
      headers: { authorization: `Basic ${Buffer.from('iotp:wrong').toString('base64')}` },
    });
    expect(res.status).toBe(401);
  });
});
