import { readFileSync } from 'node:fs';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { IotpError } from '../lib/errors.js';

/** One MQTT connection of the simulator: a device, a gateway, or a shared load-test identity. */
export interface SimClientSpec {
  clientId: string;
  username?: string;
  password?: string;
  /** Last Will: published retained (QoS 1) by the broker if the client vanishes. */
  will?: { topic: string; payload: string };
}

export interface MqttClientPoolOptions {
  url: string;
  specs: readonly SimClientSpec[];
  /** CA file for mqtts:// URLs. */
  caFile?: string;
  /** Connections opened at once (a burst of 10k TCP+CONNECT handshakes would time out). */
  connectConcurrency?: number;
  connectTimeoutMs?: number;
  protocolVersion?: 4 | 5;
}

/**
 * The simulator's MQTT connections, opened in waves and kept up (mqtt.js reconnects after a drop
 * and resends unacked QoS 1 messages). A refused login fails the whole pool with a coded error.
 *
 * @example
 *   const pool = await connectMqttClientPool({ url, specs: [{ clientId: 'sim-1', username, password }] });
 *   pool.publish(0, 'sensors/site-01/sim-1/environment', '{"deviceId":"sim-1",...}', 1, false, (err) => {});
 *   await pool.close();
 */
export interface MqttClientPool {
  readonly size: number;
  /** `done` runs after the PUBACK at QoS 1, after the socket write at QoS 0. */
  publish(
    index: number,
    topic: string,
    payload: string,
    qos: 0 | 1,
    retain: boolean,
    done: (error?: Error) => void,
  ): void;
  /** Subscribes client `index` at QoS 1 (mqtt.js subscribes again after a reconnect). */
  subscribe(index: number, filters: readonly string[]): Promise<void>;
  /** Called for every message any client receives. */
  onMessage(handler: (index: number, topic: string, payload: Buffer) => void): void;
  /** Reconnects after the first connect, over all clients. */
  readonly reconnects: number;
  /** Client-level errors seen after the first connect (each also logged by the caller if it wants). */
  readonly clientErrors: number;
  close(): Promise<void>;
}

export async function connectMqttClientPool(options: MqttClientPoolOptions): Promise<MqttClientPool> {
  const concurrency = options.connectConcurrency ?? 100;
  const ca = options.url.startsWith('mqtts:') && options.caFile ? readFileSync(options.caFile) : undefined;
  const clients: MqttClient[] = new Array(options.specs.length);
  let reconnects = 0;
  let clientErrors = 0;

  const open = (spec: SimClientSpec, index: number) =>
    new Promise<void>((resolve, reject) => {
      const opts: IClientOptions = {
        clientId: spec.clientId,
        clean: true,
        keepalive: 60,
        reconnectPeriod: 0,
        connectTimeout: options.connectTimeoutMs ?? 30_000,
        protocolVersion: options.protocolVersion ?? 4,
      };
      if (spec.username !== undefined) opts.username = spec.username;
      if (spec.password !== undefined) opts.password = spec.password;
      if (ca) opts.ca = ca;
      if (spec.will)
        opts.will = { topic: spec.will.topic, payload: Buffer.from(spec.will.payload), qos: 1, retain: true };
      const client = connect(options.url, opts);
      clients[index] = client;
      const fail = (reason: string, cause?: unknown) => {
        client.removeAllListeners('connect');
        client.end(true);
        reject(
          new IotpError(
            'SIM_MQTT_CONNECT_FAILED',
            `MQTT client '${spec.clientId}' could not connect to ${options.url}: ${reason}`,
            {
              retriable: !/authori[sz]ed|bad user name|password/i.test(reason),
              cause,
              context: { url: options.url, clientId: spec.clientId },
            },
          ),
        );
      };
      const onError = (error: Error) => fail(error.message, error);
      const onClose = () => fail('connection closed before CONNACK');
      client.once('error', onError);
      client.once('close', onClose);
      client.once('connect', () => {
        // only our own listeners: mqtt.js sets up its reconnect in a 'close' listener of its own
        // (removeAllListeners('close') left every client unable to reconnect after a broker restart)
        client.off('error', onError);
        client.off('close', onClose);
        client.options.reconnectPeriod = 1_000;
        client.on('reconnect', () => {
          reconnects += 1;
        });
        client.on('error', () => {
          clientErrors += 1;
        });
        resolve();
      });
    });

  try {
    for (let start = 0; start < options.specs.length; start += concurrency) {
      await Promise.all(options.specs.slice(start, start + concurrency).map((spec, k) => open(spec, start + k)));
    }
  } catch (error) {
    await Promise.allSettled(clients.filter(Boolean).map((c) => c.endAsync(true)));
    throw error;
  }

  const handlers: ((index: number, topic: string, payload: Buffer) => void)[] = [];
  for (const [index, client] of clients.entries())
    client.on('message', (topic, payload) => {
      for (const h of handlers) h(index, topic, payload);
    });
  return {
    size: clients.length,
    async subscribe(index, filters) {
      const client = clients[index];
      if (!client) throw new IotpError('SIM_NO_CLIENT', `no MQTT client #${index}`);
      if (filters.length > 0) await client.subscribeAsync([...filters], { qos: 1 });
    },
    onMessage(handler) {
      handlers.push(handler);
    },
    publish(index, topic, payload, qos, retain, done) {
      const client = clients[index];
      if (!client) {
        done(new IotpError('SIM_NO_CLIENT', `no MQTT client #${index}`));
        return;
      }
      client.publish(topic, payload, { qos, retain }, (error) => done(error ?? undefined));
    },
    get reconnects() {
      return reconnects;
    },
    get clientErrors() {
      return clientErrors;
    },
    async close() {
      for (let start = 0; start < clients.length; start += concurrency)
        await Promise.allSettled(clients.slice(start, start + concurrency).map((c) => c.endAsync()));
    },
  };
}
