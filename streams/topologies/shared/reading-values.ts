import { IotpError } from '../../../lib/errors.js';

/**
 * What the topologies need of one reading, whatever its type: event time, site, and the value of
 * each numeric field the schema declares (null when the reading omits it), in the schema's order.
 *
 * @example { ts: 1_767_225_600_000, site: 'lab', values: [21.5, 40.1, null] }
 */
export interface ReadingValues {
  ts: number;
  site: string;
  values: (number | null)[];
}

/**
 * Picks the numeric fields (and `ts`, `site`) from a decoded reading. A field that is neither null
 * nor a finite number is bad input: a coded STREAMS_BAD_READING error, so the runtime's processing
 * handler dead-letters the record's original bytes before any window or detector sees it.
 *
 * @example
 *   readingValues({ deviceId: 'd1', ts: 1000, site: 'lab', temperature: 21.5 }, ['temperature'], 'ts');
 */
export function readingValues(value: unknown, fields: readonly string[], timeField = 'ts'): ReadingValues {
  if (typeof value !== 'object' || value === null)
    throw new IotpError('STREAMS_BAD_READING', `expected a reading record, got ${typeof value}`);
  const rec = value as Record<string, unknown>;
  const ts = rec[timeField];
  if (typeof ts !== 'number' || !Number.isFinite(ts))
    throw new IotpError('STREAMS_BAD_READING', `field ${timeField}: expected an event time in ms, got ${String(ts)}`, {
      context: { field: timeField },
    });
  const values: (number | null)[] = new Array(fields.length);
  for (let i = 0; i < fields.length; i++) {
    const name = fields[i] as string;
    const v = rec[name];
    if (v === null || v === undefined) values[i] = null;
    else if (typeof v === 'number' && Number.isFinite(v)) values[i] = v;
    else
      throw new IotpError('STREAMS_BAD_READING', `field ${name}: expected a finite number or null, got ${String(v)}`, {
        context: { field: name },
      });
  }
  return { ts, site: typeof rec.site === 'string' ? rec.site : '', values };
}
