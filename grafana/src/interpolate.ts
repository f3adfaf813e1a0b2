import type { Series } from '../../lib/influx/influxql-client.js';
import type { Variable } from './model.js';

/**
 * What Grafana does to an InfluxQL query before sending it, so the dashboards' queries can be run
 * against a real InfluxDB in tests (Grafana itself cannot run here):
 * - `$timeFilter` -> `time >= <from>ms and time <= <to>ms`; `$__interval` -> e.g. `1m`; `$__interval_ms`;
 * - `$var` / `${var}` / `${var:regex}`: a single-valued variable is inserted as is; a multi-valued
 *   or include-all one is regex-escaped and joined as `(a|b)`; "All" inserts the variable's allValue.
 *
 * @example
 *   interpolate('SELECT mean("$field") FROM "$type" WHERE $timeFilter GROUP BY time($__interval)',
 *     { fromMs: 0, toMs: 3_600_000, intervalMs: 60_000, values: { field: ['temperature'], type: ['environment'] } });
 */
export interface InterpolateContext {
  fromMs: number;
  toMs: number;
  intervalMs: number;
  /** Selected values per variable name; `ALL` selects the variable's "All". */
  values: Record<string, string[] | typeof ALL>;
  /** The dashboard's variables (multi/includeAll/allValue decide the format). */
  variables?: Variable[];
}

export const ALL = Symbol('All');

export function formatInterval(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

function escapeRegex(value: string): string {
  return value.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');
}

export function interpolate(query: string, ctx: InterpolateContext): string {
  const byName = new Map((ctx.variables ?? []).map((v) => [v.name, v]));
  return query
    .replaceAll('$timeFilter', `time >= ${ctx.fromMs}ms and time <= ${ctx.toMs}ms`)
    .replaceAll('$__interval_ms', String(ctx.intervalMs))
    .replaceAll('$__interval', formatInterval(ctx.intervalMs))
    .replace(
      /\$\{(\w+)(?::(\w+))?\}|\$(\w+)/g,
      (whole, braced: string | undefined, _format, bare: string | undefined) => {
        const name = braced ?? bare ?? '';
        const selected = ctx.values[name];
        if (selected === undefined) return whole;
        const variable = byName.get(name);
        if (selected === ALL) return variable?.allValue ?? '.*';
        const multi = variable ? variable.multi || variable.includeAll : false;
        if (!multi) return selected[0] ?? '';
        const escaped = selected.map(escapeRegex);
        return escaped.length === 1 ? (escaped[0] ?? '') : `(${escaped.join('|')})`;
      },
    );
}

/**
 * The values of a query variable from its SHOW query's result, as Grafana lists them: the
 * `name`/`value`/`fieldKey` column (else the first), deduplicated, then the variable's regex (a
 * capture group keeps only the group; values that do not match are dropped), sorted.
 */
export function variableValues(series: Series[], regex: string): string[] {
  const values = new Set<string>();
  for (const s of series) {
    const col = ['value', 'name', 'fieldKey'].map((c) => s.columns.indexOf(c)).find((i) => i >= 0) ?? 0;
    for (const row of s.values) if (typeof row[col] === 'string') values.add(row[col]);
  }
  const re = parseRegex(regex);
  const out: string[] = [];
  for (const v of values) {
    if (!re) {
      out.push(v);
      continue;
    }
    const m = re.exec(v);
    if (m) out.push(m[1] ?? m[0]);
  }
  return [...new Set(out)].sort();
}

function parseRegex(text: string): RegExp | undefined {
  if (text === '') return undefined;
  const m = /^\/(.*)\/([gimsuy]*)$/.exec(text);
  return m ? new RegExp(m[1] ?? '', m[2]) : new RegExp(text);
}

/** Variable names a query refers to (`$name`, `${name}`), Grafana's own macros excluded. */
export function referencedVariables(query: string): string[] {
  const names = new Set<string>();
  for (const m of query.matchAll(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g)) {
    const name = m[1] ?? m[2] ?? '';
    if (!name.startsWith('__') && name !== 'timeFilter') names.add(name);
  }
  return [...names];
}
