import { logLevel } from 'kafkajs';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { BOUNDED_RETRIES_WARNING, pinoLogCreator } from './log-creator.js';

function capture() {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { lines, log: pinoLogCreator(logger)(logLevel.DEBUG) };
}

describe('pinoLogCreator', () => {
  it('kafkajs warnings and errors become pino warnings, INFO becomes debug', () => {
    const { lines, log } = capture();
    log({ namespace: 'Producer', level: logLevel.ERROR, label: 'ERROR', log: { message: 'boom', timestamp: 'x' } });
    log({ namespace: 'Connection', level: logLevel.INFO, label: 'INFO', log: { message: 'chatter', timestamp: 'x' } });
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [40, 'boom'],
      [20, 'chatter'],
    ]);
  });

  it('the bounded-retries warning of the idempotent producer is debug (the bound is deliberate)', () => {
    const { lines, log } = capture();
    log({
      namespace: 'Producer',
      level: logLevel.WARN,
      label: 'WARN',
      log: { message: BOUNDED_RETRIES_WARNING, timestamp: 'x' },
    });
    expect(lines.map((l) => l.level)).toEqual([20]);
  });
});
