import { expect } from 'vitest';
import { allDashboards } from '../../grafana/src/all-dashboards.js';
import { ALL, interpolate, variableValues } from '../../grafana/src/interpolate.js';
import type { Dashboard, InfluxTarget } from '../../grafana/src/model.js';
import type { Series } from '../../lib/influx/influxql-client.js';

export interface QueryWindow {
  fromMs: number;
  toMs: number;
  intervalMs: number;
}

/** Values of each variable in order (later ones may use earlier ones), as Grafana would offer them. */
async function resolveVariables(
  d: Dashboard,
  run: (q: string) => Promise<Series[]>,
  ctx: QueryWindow,
  prefer: Record<string, string>,
): Promise<{ selected: Record<string, string[] | typeof ALL>; options: Record<string, string[]> }> {
  const selected: Record<string, string[] | typeof ALL> = {};
  const options: Record<string, string[]> = {};
  for (const v of d.templating.list) {
    const query = interpolate(v.query, { ...ctx, values: selected, variables: d.templating.list });
    const values = variableValues(await run(query), v.regex);
    expect(values.length, `variable ${v.name} of ${d.title} has values (${query})`).toBeGreaterThan(0);
    options[v.name] = values;
    const preferred = prefer[v.name];
    selected[v.name] = v.includeAll
      ? ALL
      : [preferred !== undefined && values.includes(preferred) ? preferred : values[0]!];
  }
  return { selected, options };
}

/**
 * Runs every InfluxDB panel query and annotation of every dashboard, as Grafana would (variables
 * resolved from their own queries, `$timeFilter` and `$__interval` substituted, repeated panels once
 * per value), and expects each to answer without error and with data. Returns how many ran.
 * `prefer(type)` picks the variable values to select (e.g. a deviceId known to have data).
 */
export async function expectDashboardsReturnData(
  run: (statement: string) => Promise<Series[]>,
  ctx: QueryWindow,
  prefer: (type: string) => Record<string, string>,
): Promise<number> {
  let checked = 0;
  for (const dashboard of Object.values(allDashboards())) {
    const targets = dashboard.panels.flatMap((p) =>
      p.targets.filter((t): t is InfluxTarget => 'query' in t).map((t) => ({ panel: p, query: t.query })),
    );
    const annotations = dashboard.annotations.list.flatMap((a) =>
      a.target ? [{ name: a.name, query: a.target.query }] : [],
    );
    if (targets.length + annotations.length === 0) continue;
    for (const type of dashboard.templating.list.some((v) => v.name === 'type') ? ['environment', 'power'] : ['-']) {
      const { selected, options } = await resolveVariables(dashboard, run, ctx, { type, ...prefer(type) });
      for (const { panel, query } of targets) {
        // A repeated panel is one panel per value of its variable.
        const repeats = panel.repeat
          ? (options[panel.repeat] ?? []).map((v) => ({ [panel.repeat as string]: [v] }))
          : [{}];
        for (const extra of repeats) {
          const statement = interpolate(query, {
            ...ctx,
            values: { ...selected, ...extra },
            variables: dashboard.templating.list,
          });
          const series = await run(statement).catch((e: unknown) => {
            throw new Error(`${dashboard.title} / ${panel.title}: ${String(e)}`);
          });
          const values = series.reduce((n, s) => n + s.values.length, 0);
          expect(values, `${dashboard.title} / ${panel.title} (${type}): no data from ${statement}`).toBeGreaterThan(0);
          checked += 1;
        }
      }
      for (const a of annotations) {
        const statement = interpolate(a.query, { ...ctx, values: selected, variables: dashboard.templating.list });
        const series = await run(statement);
        expect(
          series.reduce((n, s) => n + s.values.length, 0),
          `${dashboard.title} annotation ${a.name}: ${statement}`,
        ).toBeGreaterThan(0);
        checked += 1;
      }
    }
  }
  return checked;
}
