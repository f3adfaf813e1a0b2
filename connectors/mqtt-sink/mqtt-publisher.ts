import { readFileSync } from 'node:fs';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { IotpError } from '../../lib/errors.js';

export interface MqttPublisherOptions {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  caFile?: string | undefined;
  clientId: string;
  protocolVersion: 4 | 5;
  keepaliveSeconds: number;
  connectTimeoutMs?: number;
}

/** The outcome of one QoS 1 publish: PUBACKed, or refused for good by the broker (MQTT 5 reason code). */
export type PublishOutcome = { ok: true } | { ok: false; reasonCode: number; message: string };

export interface MqttPublisher {
  /**
   * Publishes at QoS 1 and resolves at the PUBACK. While the connection is down mqtt.js keeps the
   * message and sends it again (DUP) after reconnecting, so the promise waits across a broker
   * restart; a publish is sent in call order on the one connection (per-device order holds).
   */
  publish(topic: string, payload: Buffer): Promise<PublishOutcome>;
  readonly connected: boolean;
  close(): Promise<void>;
}

/**
 * The MQTT sink's connection: its own service identity, clean session (the Kafka offsets are the
 * sink's memory, not the broker's session), reconnect every second.
 *
 * @example
 *   const mqtt = await connectMqttPublisher({ url, username: 'iotp-commands', password, clientId: 'iotp-mqtt-sink-a',
 *     protocolVersion: 5, keepaliveSeconds: 30 }, log, (up) => metrics.connected.set(up ? 1 : 0));
 *   await mqtt.publish('devices/d1/cmd', Buffer.from('{...}'));
 */
export async function connectMqttPublisher(
  options: MqttPublisherOptions,
  log: Logger,
  onConnectionChange: (connected: boolean) => void = () => undefined,
): Promise<MqttPublisher> {
  const clientOptions: IClientOptions = {
    clientId: options.clientId,
    clean: true,
    keepalive: options.keepaliveSeconds,
    reconnectPeriod: 1000,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    protocolVersion: options.protocolVersion,
  };
  if (options.username) clientOptions.username = options.username;
  if (options.password) clientOptions.password = options.password;
  if (options.caFile && options.url.startsWith('mqtts:')) clientOptions.ca = readFileSync(options.caFile);
  let client: MqttClient;
  try {
    client = await connectAsync(options.url, { ...clientOptions, reconnectPeriod: 0 });
  } catch (cause) {
    throw new IotpError(
      'MQTT_SINK_CONNECT_FAILED',
      `the MQTT sink could not connect to ${options.url} as ${options.username ?? '(anonymous)'}: ${String(cause)}`,
      {
        retriable: !/authori[sz]ed|bad user name|password/i.test(String(cause)),
        cause,
        context: { url: options.url, clientId: options.clientId },
      },
    );
  }
  client.options.reconnectPeriod = 1000;
  let connected = true;
  onConnectionChange(true);
  client.on('connect', () => {
    connected = true;
    onConnectionChange(true);
    log.info({ url: options.url }, 'MQTT connected again');
  });
  client.on('close', () => {
    if (connected) log.warn({ url: options.url }, 'MQTT connection lost; reconnecting (unacked commands are resent)');
    connected = false;
    onConnectionChange(false);
  });
  client.on('error', (error) => log.warn({ err: error, url: options.url }, 'MQTT client error'));

  return {
    publish(topic, payload) {
      return new Promise((resolve, reject) => {
        client.publish(topic, payload, { qos: 1 }, (error) => {
          if (!error) return resolve({ ok: true });
          const reasonCode = (error as Error & { code?: unknown }).code;
          if (typeof reasonCode === 'number' && reasonCode >= 0x80)
            return resolve({ ok: false, reasonCode, message: error.message });
          reject(
            new IotpError('MQTT_SINK_PUBLISH_FAILED', `publish to ${topic} failed: ${error.message}`, {
              retriable: true,
              cause: error,
              context: { topic },
            }),
          );
        });
      });
    },
    get connected() {
      return connected;
    },
    async close() {
      await client.endAsync();
    },
  };
}
