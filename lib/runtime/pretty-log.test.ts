import { describe, expect, it } from 'vitest';
import { logFormat } from './log.js';
import { prettyLogLine } from './pretty-log.js';

describe('logs for people and for machines', () => {
  it('are pretty on a terminal and JSON otherwise; LOG_FORMAT decides when set', () => {
    expect(logFormat({}, true)).toBe('pretty');
    expect(logFormat({}, false)).toBe('json');
    expect(logFormat({ LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(logFormat({ LOG_FORMAT: 'pretty' }, false)).toBe('pretty');
  });

  it('print time, level, component, message and the fields; an error as its code and message, without the stack', () => {
    const line = prettyLogLine(
      {
        level: 40,
        time: '2026-01-01T12:00:01.234Z',
        pid: 7,
        component: 'lag',
        msg: 'kafka send failed; retrying',
        attempt: 2,
        topic: 'telemetry.dlq',
        err: {
          type: 'IotpError',
          code: 'KAFKA_CLIENT_CONNECTION',
          message: 'connect ECONNREFUSED',
          stack: 'Error: ...\n at x',
        },
      },
      { color: false },
    );
    expect(line).toBe(
      '12:00:01.234  WARN   lag  kafka send failed; retrying  attempt=2 topic=telemetry.dlq err=KAFKA_CLIENT_CONNECTION: connect ECONNREFUSED',
    );
    expect(
      prettyLogLine({ level: 30, time: '2026-01-01T12:00:01.234Z', msg: 'x', note: 'two words' }, { color: true }),
    ).toContain('\x1b[32mINFO \x1b[0m');
  });
});
