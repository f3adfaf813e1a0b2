/**
 * One pino JSON log line as a line for people: `12:00:01.234 WARN  mqtt-source  dead letter
 * reason=INVALID_JSON topic=sensors/s1/d1/environment`, with colour when asked; an error shows its
 * type and message (its stack only at debug level). Used on a terminal (log.ts); files and pipes
 * keep JSON.
 */
const LEVELS: Record<number, [string, string]> = {
  10: ['TRACE', '\x1b[90m'],
  20: ['DEBUG', '\x1b[90m'],
  30: ['INFO ', '\x1b[32m'],
  40: ['WARN ', '\x1b[33m'],
  50: ['ERROR', '\x1b[31m'],
  60: ['FATAL', '\x1b[35m'],
};
const RESET = '\x1b[0m';
const DIM = '\x1b[2m';
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'component', 'stack']);

function valueText(value: unknown, withStack: boolean): string {
  if (value !== null && typeof value === 'object') {
    const e = value as { type?: unknown; code?: unknown; message?: unknown; stack?: unknown };
    if (typeof e.message === 'string') {
      const kind = typeof e.code === 'string' ? e.code : typeof e.type === 'string' ? e.type : 'Error';
      return `${kind}: ${e.message}${withStack && typeof e.stack === 'string' ? `\n${e.stack}` : ''}`;
    }
    return JSON.stringify(value);
  }
  const text = String(value);
  return /\s/.test(text) ? JSON.stringify(text) : text;
}

/** The people's line of one parsed JSON log entry (no trailing newline). */
export function prettyLogLine(entry: Record<string, unknown>, options: { color: boolean }): string {
  const level = typeof entry.level === 'number' ? entry.level : 30;
  const [label, colour] = LEVELS[level] ?? ['LOG  ', ''];
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : '';
  const withStack = level <= 20;
  const fields = Object.entries(entry)
    .filter(([k, v]) => !HIDDEN.has(k) && v !== undefined)
    .map(([k, v]) => `${k}=${valueText(v, withStack)}`)
    .join(' ');
  const c = (code: string, text: string) => (options.color ? `${code}${text}${RESET}` : text);
  const component = typeof entry.component === 'string' ? entry.component : '';
  return [c(DIM, time), c(colour, label), component, String(entry.msg ?? ''), fields ? c(DIM, fields) : '']
    .filter((part) => part !== '')
    .join('  ');
}

/** A pino destination that prints each JSON line as a pretty line on `out`. */
export function prettyDestination(out: NodeJS.WritableStream & { isTTY?: boolean }): { write(line: string): void } {
  const color = out.isTTY === true && process.env.NO_COLOR === undefined;
  return {
    write(line: string) {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line);
        return;
      }
      out.write(`${prettyLogLine(entry, { color })}\n`);
    },
  };
}
