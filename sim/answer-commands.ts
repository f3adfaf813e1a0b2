import type { Logger } from 'pino';
import { compileTopicTemplate, fillTemplate } from '../lib/config/topic-template.js';
import { type CommandResponder, createCommandResponder } from './command-responder.js';
import type { PublishUnit } from './fleet.js';
import type { MqttClientPool } from './mqtt-client-pool.js';

/**
 * Makes the simulated devices answer commands: each client subscribes to the command topic of
 * every unit (device or gateway) it speaks for, and answers each command on `<topic>/ack`
 * (command-responder.ts) with the same client. Per-device credentials: a device reads only its
 * own command topic (the ACL); the shared identity may read every device's.
 *
 * @example
 *   const responder = await answerCommands(pool, fleet.units, clientOf, 'devices/{deviceId}/cmd', Date.now, log);
 *   responder.stats; // { received, duplicates, done, rejected }
 */
export async function answerCommands(
  pool: MqttClientPool,
  units: readonly PublishUnit[],
  clientOf: (u: PublishUnit) => number,
  commandTopic: string,
  now: () => number,
  log: Logger,
): Promise<CommandResponder> {
  const template = compileTopicTemplate(commandTopic, '--command-topic');
  const responder = createCommandResponder({ now });
  pool.onMessage((index, topic, payload) => {
    const deviceId = template.match(topic)?.deviceId;
    if (deviceId === undefined) return;
    const answer = responder.answer(deviceId, topic, payload);
    if (!answer) return;
    pool.publish(index, answer.topic, answer.payload, 1, false, (error) => {
      if (error) log.warn({ err: error, deviceId, topic: answer.topic }, 'command answer not acknowledged');
    });
  });
  const byClient = new Map<number, string[]>();
  for (const u of units) {
    const filters = byClient.get(clientOf(u)) ?? [];
    filters.push(fillTemplate(commandTopic, { deviceId: u.clientId }));
    byClient.set(clientOf(u), filters);
  }
  for (const [index, filters] of byClient)
    for (let i = 0; i < filters.length; i += 500) await pool.subscribe(index, filters.slice(i, i + 500));
  log.info({ devices: units.length, commandTopic }, 'answering commands');
  return responder;
}
