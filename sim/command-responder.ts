/** Counts of the simulated devices' answers to commands. */
export interface CommandStats {
  /** Command messages received (duplicates included). */
  received: number;
  /** Received again with a correlation id already answered (QoS 1 at least once): answered again, not re-run. */
  duplicates: number;
  /** Answered DONE. */
  done: number;
  /** Answered REJECTED (an unknown command, or one that is not JSON). */
  rejected: number;
}

/** An answer to publish: topic and JSON payload (a command-status reading of the MQTT source). */
export interface CommandAnswer {
  topic: string;
  payload: string;
}

/** Commands the simulated devices carry out; any other is REJECTED. */
export const KNOWN_COMMANDS = ['recalibrate', 'ping', 'set-interval'] as const;

/**
 * What a simulated device does with a command it receives on its command topic: it answers on
 * `<commandTopic>/ack` with its deviceId, the correlation id, DONE or REJECTED and a detail. A
 * device remembers the last `remember` correlation ids it answered, so a redelivered command
 * (the sink is at least once) is answered again with the same status but counted as a duplicate.
 *
 * @example
 *   const responder = createCommandResponder({ now: Date.now });
 *   responder.answer('sim-000001', 'devices/sim-000001/cmd', Buffer.from('{"correlationId":"c1","name":"recalibrate"}'));
 *   // { topic: 'devices/sim-000001/cmd/ack', payload: '{"deviceId":"sim-000001","correlationId":"c1",...,"status":"DONE",...}' }
 */
export interface CommandResponder {
  answer(deviceId: string, topic: string, payload: Buffer): CommandAnswer | undefined;
  readonly stats: CommandStats;
}

export function createCommandResponder(options: { now(): number; remember?: number }): CommandResponder {
  const remember = options.remember ?? 1000;
  const answered = new Map<string, Map<string, string>>();
  const stats: CommandStats = { received: 0, duplicates: 0, done: 0, rejected: 0 };
  return {
    stats,
    answer(deviceId, topic, payload) {
      stats.received += 1;
      let command: { correlationId?: unknown; name?: unknown };
      try {
        command = JSON.parse(payload.toString('utf8')) as typeof command;
      } catch {
        command = {};
      }
      const correlationId = typeof command.correlationId === 'string' ? command.correlationId : '';
      const name = typeof command.name === 'string' ? command.name : '';
      const mine = answered.get(deviceId) ?? new Map<string, string>();
      answered.set(deviceId, mine);
      let status = mine.get(correlationId);
      if (status !== undefined) stats.duplicates += 1;
      else {
        status = (KNOWN_COMMANDS as readonly string[]).includes(name) && correlationId !== '' ? 'DONE' : 'REJECTED';
        if (status === 'DONE') stats.done += 1;
        else stats.rejected += 1;
        mine.set(correlationId, status);
        if (mine.size > remember) mine.delete(mine.keys().next().value as string);
      }
      const detail =
        status === 'DONE' ? `simulated ${name}` : correlationId === '' ? 'not a command' : `unknown command '${name}'`;
      return {
        topic: `${topic}/ack`,
        payload: JSON.stringify({ deviceId, correlationId, name, status, detail, ts: options.now() }),
      };
    },
  };
}
