import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

const run = promisify(execFile);

/** Publishes with `mosquitto_pub` (a third-party client), QoS 1, one process per message list. */
export async function mosquittoPub(
  url: string,
  topic: string,
  payloads: string[],
  extra: string[] = [],
): Promise<void> {
  const u = new URL(url);
  // -l sends each stdin line as one message, in order, over one connection.
  const child = run('mosquitto_pub', ['-h', u.hostname, '-p', u.port, '-q', '1', '-t', topic, '-l', ...extra], {
    timeout: 30_000,
  });
  child.child.stdin?.end(`${payloads.join('\n')}\n`);
  await child;
}

export async function connectPublisher(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 10_000, ...options });
}

/**
 * Publishes QoS 1 messages with at most `window` un-PUBACKed at a time; resolves when the broker
 * acknowledged every one. `onProgress` sees the count acknowledged.
 */
export async function publishAll(
  client: MqttClient,
  messages: { topic: string; payload: string }[],
  window = 200,
  onProgress?: (acked: number) => void,
): Promise<void> {
  let next = 0;
  let acked = 0;
  const worker = async () => {
    while (next < messages.length) {
      const m = messages[next++] as { topic: string; payload: string };
      await client.publishAsync(m.topic, m.payload, { qos: 1 });
      acked++;
      onProgress?.(acked);
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, messages.length) }, worker));
}
