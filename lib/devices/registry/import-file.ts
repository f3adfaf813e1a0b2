import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { ConfigError, IotpError } from '../../errors.js';
import { addOverrideSetting, parseLimit, parseOverride, parseTag } from './field-syntax.js';
import { type DeviceRecord, emptyRecord, normalizeRecord, recordProblems } from './record.js';

/** The columns of an import CSV; only `deviceId` is required. Cells with several values use `;`. */
export const CSV_COLUMNS = [
  'deviceId',
  'site',
  'model',
  'firmware',
  'gatewayLeaves',
  'tags',
  'limits',
  'detectors',
] as const;

const limitJson = z.union([
  z.string(),
  z.strictObject({ min: z.number().nullable().optional(), max: z.number().nullable().optional() }),
]);
const recordJson = z.strictObject({
  deviceId: z.string(),
  site: z.string().optional(),
  model: z.string().optional(),
  firmware: z.string().optional(),
  gatewayLeaves: z.array(z.string()).optional(),
  tags: z.record(z.string(), z.string()).optional(),
  limits: z.record(z.string(), limitJson).optional(),
  detectors: z
    .array(
      z.strictObject({
        detector: z.string(),
        field: z.string().nullable().optional(),
        settings: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])),
      }),
    )
    .optional(),
  updatedAt: z.number().optional(),
});

/**
 * Reads an import file: `.csv` (header row of CSV_COLUMNS) or `.json` (an array of records as
 * `iotp devices show --json` prints them, or `{ "devices": [...] }`). Every record is validated;
 * the first problems are thrown as one ConfigError naming the file, line or index and the field.
 *
 * @example
 *   readImportFile('fleet.csv') // [{ deviceId: 'd1', site: 's1', tags: { floor: '2' }, ... }]
 */
export function readImportFile(file: string): DeviceRecord[] {
  const text = readFileSync(file, 'utf8');
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return parseDevicesCsv(text, file);
  if (ext === '.json') return parseDevicesJson(text, file);
  throw new ConfigError(file, 'expected a .csv or .json file');
}

/**
 * CSV (RFC 4180 via csv-parse: quoted cells, embedded commas and newlines, a BOM, CRLF) to
 * validated records.
 *
 * @example
 *   parseDevicesCsv('deviceId,site,tags\nd1,s1,floor=2;owner=ops\n', 'x.csv')
 */
export function parseDevicesCsv(text: string, file = 'csv'): DeviceRecord[] {
  let rows: Record<string, string>[];
  let header: string[] = [];
  try {
    rows = parseCsv(text, {
      bom: true,
      columns: (h: string[]) => {
        header = h.map((c) => c.trim());
        return header;
      },
      skip_empty_lines: true,
      trim: true,
    }) as Record<string, string>[];
  } catch (cause) {
    throw new ConfigError(file, `not a valid CSV file: ${(cause as Error).message}`, { cause });
  }
  const unknown = header.filter((c) => !(CSV_COLUMNS as readonly string[]).includes(c));
  if (unknown.length > 0)
    throw new ConfigError(`${file}:1`, `unknown column(s) ${unknown.join(', ')}: expected ${CSV_COLUMNS.join(', ')}`);
  if (!header.includes('deviceId')) throw new ConfigError(`${file}:1`, 'expected a deviceId column');
  const records: DeviceRecord[] = [];
  rows.forEach((row, i) => {
    const at = `${file}:${i + 2}`; // line of the row when no cell spans lines (the header is line 1)
    const list = (cell: string | undefined) =>
      (cell ?? '')
        .split(';')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    let record = emptyRecord(row.deviceId ?? '');
    record.site = row.site ?? '';
    record.model = row.model ?? '';
    record.firmware = row.firmware ?? '';
    record.gatewayLeaves = list(row.gatewayLeaves);
    for (const t of list(row.tags)) {
      const a = parseTag(t, `${at} tags`);
      if (a.value !== undefined) record.tags[a.name] = a.value;
    }
    for (const l of list(row.limits)) {
      const a = parseLimit(l, `${at} limits`);
      if (a.value !== undefined) record.limits[a.name] = a.value;
    }
    for (const d of list(row.detectors))
      record.detectors = addOverrideSetting(record.detectors, parseOverride(d, `${at} detectors`));
    record = checked(record, at);
    records.push(record);
  });
  return unique(records, file);
}

/** JSON (an array of records, or `{ devices: [...] }`) to validated records. */
export function parseDevicesJson(text: string, file = 'json'): DeviceRecord[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(file, `not valid JSON: ${(cause as Error).message}`, { cause });
  }
  const list = Array.isArray(data) ? data : (data as { devices?: unknown })?.devices;
  if (!Array.isArray(list)) throw new ConfigError(file, 'expected an array of devices or { "devices": [...] }');
  return unique(
    list.map((item, i) => {
      const at = `${file}[${i}]`;
      const parsed = recordJson.safeParse(item);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new ConfigError(`${at}.${issue?.path.join('.') ?? ''}`, issue?.message ?? 'invalid');
      }
      const j = parsed.data;
      const record = emptyRecord(j.deviceId);
      Object.assign(record, {
        site: j.site ?? '',
        model: j.model ?? '',
        firmware: j.firmware ?? '',
        gatewayLeaves: j.gatewayLeaves ?? [],
        tags: j.tags ?? {},
        detectors: (j.detectors ?? []).map((d) => ({
          detector: d.detector,
          field: d.field ?? null,
          settings: d.settings,
        })),
      });
      for (const [field, limit] of Object.entries(j.limits ?? {})) {
        if (typeof limit === 'string') {
          const a = parseLimit(`${field}=${limit}`, `${at}.limits.${field}`);
          if (a.value) record.limits[field] = a.value;
        } else record.limits[field] = { min: limit.min ?? null, max: limit.max ?? null };
      }
      return checked(record, at);
    }),
    file,
  );
}

function checked(record: DeviceRecord, at: string): DeviceRecord {
  const problems = recordProblems(record);
  if (problems.length > 0) throw new ConfigError(at, problems.join('; '));
  return normalizeRecord(record);
}

function unique(records: DeviceRecord[], file: string): DeviceRecord[] {
  const seen = new Set<string>();
  for (const r of records) {
    if (seen.has(r.deviceId))
      throw new IotpError('DEVICES_IMPORT_DUPLICATE', `${file}: device '${r.deviceId}' is listed twice`, {
        context: { file, deviceId: r.deviceId },
      });
    seen.add(r.deviceId);
  }
  return records;
}
