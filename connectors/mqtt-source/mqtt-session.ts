import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { ConfigError, IotpError } from '../../lib/errors.js';
import { createAckGate } from './ack-gate.js';
import type { MqttMessage } from './mqtt-message.js';
import type { MqttSourceOptions } from './options.js';
import { takePublishes } from './publish-fast-path.js';

/** Calls `done` once Kafka acknowledged every record made from the message: only then is it PUBACKed. */
export type MessageHandler = (message: MqttMessage, done: () => void) => void;

export interface MqttSessionOptions {
  mqtt: MqttSourceOptions['mqtt'];
  onMessage: MessageHandler;
  /** Epoch ms of receipt (the injected clock). */
  clock: () => number;
  log: Logger;
  onConnectionChange?(connected: boolean, sessionPresent: boolean): void;
}

/**
 * One replica's MQTT connection: MQTT 5, a fixed client id, clean start false and a session expiry,
 * so the broker keeps this replica's subscriptions and un-PUBACKed messages while it is away.
 *
 * PUBACK is deferred until the handler says the message is in Kafka. mqtt.js 5 sends the PUBACK
 * right after `handleMessage`'s callback and handles one packet at a time until then, so holding that
 * callback would allow one message in flight. Instead the callback returns at once, mqtt.js' PUBACK
 * is swallowed, and the session writes the PUBACK itself (in arrival order, by an AckGate) once the
 * message is done; the PUBACKs one Kafka acknowledgement releases go out in one socket write. The
 * Receive Maximum tells the broker to stop sending once `receiveMaximum` messages are un-PUBACKed, which is
 * the backpressure when Kafka is slow; if a broker ignores it, the callback is held past that bound.
 *
 * On a connection loss, held PUBACKs are dropped (never sent on the next connection): the broker
 * redelivers those messages with DUP set, and the records already written become duplicates.
 *
 * @example
 *   const session = await openMqttSession({ mqtt: options.mqtt, clock: Date.now, log, onMessage });
 *   await session.subscribe(['$share/iotp/sensors/+/+/+']);
 *   ...
 *   await session.close();
 */
export interface MqttSession {
  subscribe(filters: readonly string[]): Promise<void>;
  /** Leaves the subscriptions (messages the broker already queued for the session still come). */
  unsubscribe(filters: readonly string[]): Promise<void>;
  readonly connected: boolean;
  /** Messages received and not yet PUBACKed. */
  readonly inFlight: number;
  /** Stops taking messages: new ones are left un-PUBACKed for the broker to redeliver. */
  pause(): void;
  /** Sends DISCONNECT (the session stays on the broker) and closes the socket. */
  close(): Promise<void>;
}

type SendPacket = (
  packet: { cmd: string; messageId?: number },
  cb?: (error?: Error) => void,
  cbStorePut?: unknown,
  noStore?: unknown,
) => void;

/**
 * PUBACK packets (MQTT 3.1.1 and 5: reason Success, no properties, so 4 bytes each) for the
 * packet ids, in order, in one buffer.
 */
export function pubackPackets(messageIds: readonly number[]): Buffer {
  const out = Buffer.allocUnsafe(4 * messageIds.length);
  for (let i = 0; i < messageIds.length; i++) {
    const id = messageIds[i] as number;
    out[4 * i] = 0x40;
    out[4 * i + 1] = 0x02;
    out[4 * i + 2] = id >> 8;
    out[4 * i + 3] = id & 0xff;
  }
  return out;
}

export function clientOptions(o: MqttSourceOptions['mqtt']): IClientOptions {
  const read = (key: string, file: string | undefined): Buffer | undefined => {
    if (file === undefined) return undefined;
    try {
      return readFileSync(file);
    } catch (cause) {
      throw new ConfigError(key, `expected a readable PEM file, cannot read "${file}"`, { cause });
    }
  };
  return {
    clientId: o.clientId,
    username: o.username,
    password: o.password,
    protocolVersion: o.protocolVersion,
    clean: false,
    keepalive: o.keepaliveSeconds,
    connectTimeout: o.connectTimeoutMs,
    reconnectPeriod: o.reconnectPeriodMs,
    resubscribe: true,
    queueQoSZero: false,
    ...(o.protocolVersion === 5
      ? { properties: { sessionExpiryInterval: o.sessionExpirySeconds, receiveMaximum: o.receiveMaximum } }
      : {}),
    ca: read('mqtt.caFile', o.caFile),
    cert: read('mqtt.certFile', o.certFile),
    key: read('mqtt.keyFile', o.keyFile),
    rejectUnauthorized: o.rejectUnauthorized,
    // mqtt.js logs every packet step through `debug`; even switched off that costs per message.
    // DEBUG=mqttjs* still turns it on.
    ...(mqttDebugWanted() ? {} : { log: noLog }),
  };
}

function noLog(): void {}

function mqttDebugWanted(): boolean {
  return /mqttjs/.test(process.env.DEBUG ?? '');
}

/** Connects (resolving at the first CONNACK) and returns the session. Refusals are MQTT_CONNECT_REFUSED. */
export async function openMqttSession(options: MqttSessionOptions): Promise<MqttSession> {
  const { log } = options;
  const limit = options.mqtt.receiveMaximum;
  let waiting: (() => void)[] = [];
  let paused = false;

  const client: MqttClient = mqtt.connect(options.mqtt.url, { ...clientOptions(options.mqtt), manualConnect: true });

  // PUBACKs are written by the gate, in arrival order, once Kafka has the message (see the TSDoc
  // above): the ids released in one turn (a Kafka ack releases a whole batch, one message at a
  // time) go out in one socket write, on the connection the messages came on (a close drops the
  // rest). mqtt.js' own PUBACKs are swallowed.
  const released: number[] = [];
  let flushQueued = false;
  const flushPubacks = () => {
    flushQueued = false;
    // Never queue a PUBACK offline for a later connection: the broker redelivers instead.
    if (released.length > 0 && client.connected) client.stream.write(pubackPackets(released));
    released.length = 0;
  };
  const gate = createAckGate<number | undefined>(
    (messageId) => {
      if (messageId !== undefined) released.push(messageId);
    },
    () => {
      if (flushQueued || released.length === 0) return;
      flushQueued = true;
      queueMicrotask(flushPubacks);
    },
  );
  const internals = client as unknown as { _sendPacket: SendPacket };
  const send = internals._sendPacket.bind(client);
  internals._sendPacket = (packet, cb, cbStorePut, noStore) => {
    if (packet.cmd === 'puback') {
      cb?.();
      return;
    }
    send(packet, cb, cbStorePut, noStore);
  };

  /** Registers a message (arrival order) and hands it on; false when the Receive Maximum is reached. */
  const take = (message: MqttMessage, messageId: number | undefined): boolean => {
    // QoS 1 only: the subscription is QoS 1, and mqtt.js answers a QoS 2 delivery itself.
    const ticket = gate.add(message.qos === 1 ? messageId : undefined);
    options.onMessage(message, () => {
      gate.done(ticket);
      releaseWaiting();
    });
    return gate.pending < limit;
  };

  // The PUBLISH packets of the subscription are decoded as they come off the socket; mqtt.js
  // keeps the rest (and any PUBLISH the fast path leaves to it, through handleMessage below).
  const fast = takePublishes(client, {
    protocolVersion: options.mqtt.protocolVersion,
    onPublish: (p) => {
      if (paused) return true; // no PUBACK: redelivered after reconnect
      return take(
        { topic: p.topic, payload: p.payload, qos: p.qos, retain: p.retain, dup: p.dup, receivedAt: options.clock() },
        p.messageId,
      );
    },
  });
  let resumeQueued = false;

  const releaseWaiting = () => {
    while (waiting.length > 0 && gate.pending < limit) (waiting.shift() as () => void)();
    if (fast.held && !resumeQueued && gate.pending < limit) {
      resumeQueued = true;
      setImmediate(() => {
        resumeQueued = false;
        if (gate.pending < limit) fast.resume();
      });
    }
  };

  client.handleMessage = (packet: IPublishPacket, callback) => {
    if (paused) return; // no callback: no PUBACK; redelivered after reconnect
    const message: MqttMessage = {
      topic: packet.topic,
      payload: Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload),
      qos: packet.qos,
      retain: packet.retain,
      dup: packet.dup,
      receivedAt: options.clock(),
    };
    if (take(message, packet.messageId)) callback();
    else waiting.push(() => callback());
  };
  client.connect();

  /** The filters subscribed so far: subscribed again on every reconnect (see below). */
  const subscribed = new Set<string>();
  client.on('connect', (connack) => {
    log.info({ clientId: options.mqtt.clientId, sessionPresent: connack.sessionPresent }, 'mqtt connected');
    options.onConnectionChange?.(true, connack.sessionPresent);
    // mqtt.js subscribes again only when the broker says it has no session. Mosquitto 2.0 restores a
    // persistent session after a restart (kill -9 or a clean stop) WITHOUT its shared subscriptions
    // and answers sessionPresent=true: the replica would receive nothing while devices' readings are
    // acknowledged and dropped (found by bench/chaos). A SUBSCRIBE for the same filter repairs it
    // (no UNSUBSCRIBE first: that would open a gap). mqtt.js sends nothing for a filter it believes
    // subscribed, so it is forgotten first (checked against Mosquitto 2.0.11: without that the
    // grant list is empty and nothing arrives).
    if (connack.sessionPresent && subscribed.size > 0) {
      const known = (client as unknown as { _resubscribeTopics?: Record<string, unknown> })._resubscribeTopics;
      for (const f of subscribed) if (known) delete known[f];
      client.subscribe([...subscribed], { qos: 1, rh: 1 }, (error) => {
        if (error) log.error({ err: error, filters: [...subscribed] }, 'mqtt resubscribe after reconnect failed');
        else log.info({ filters: [...subscribed] }, 'resubscribed after reconnect');
      });
    }
  });
  client.on('close', () => {
    const dropped = gate.reset();
    released.length = 0;
    waiting = [];
    if (dropped > 0) log.warn({ dropped }, 'mqtt connection lost: un-PUBACKed messages will be redelivered');
    options.onConnectionChange?.(false, false);
  });
  client.on('error', (error) => log.warn({ err: error }, 'mqtt client error'));

  await new Promise<void>((resolve, reject) => {
    const onConnect = () => {
      client.off('error', onError);
      resolve();
    };
    const onError = (error: Error & { code?: number }) => {
      client.off('connect', onConnect);
      client.end(true);
      reject(
        new IotpError('MQTT_CONNECT_REFUSED', `cannot connect to ${options.mqtt.url}: ${error.message}`, {
          cause: error,
          retriable: false,
          context: { clientId: options.mqtt.clientId, reasonCode: error.code },
        }),
      );
    };
    client.once('connect', onConnect);
    client.once('error', onError);
  });

  return {
    async subscribe(filters) {
      const grants = await client.subscribeAsync([...filters], { qos: 1, rh: 1 });
      const refused = grants.filter((g) => g.qos !== 0 && g.qos !== 1 && g.qos !== 2);
      if (refused.length > 0)
        throw new IotpError(
          'MQTT_SUBSCRIBE_REFUSED',
          `broker refused ${refused.map((g) => `${g.topic} (reason ${g.qos})`).join(', ')}: check the ACL for ${options.mqtt.username ?? 'anonymous'}`,
          { retriable: false },
        );
      for (const f of filters) subscribed.add(f);
      log.info({ filters, grants: grants.map((g) => g.qos) }, 'subscribed');
    },
    async unsubscribe(filters) {
      await client.unsubscribeAsync([...filters]);
      for (const f of filters) subscribed.delete(f);
      log.info({ filters }, 'unsubscribed');
    },
    get connected() {
      return client.connected;
    },
    get inFlight() {
      return gate.pending;
    },
    pause() {
      paused = true;
    },
    async close() {
      paused = true;
      await client.endAsync(false, { reasonCode: 0 });
    },
  };
}
