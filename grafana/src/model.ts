import { type DatasourceRef, INFLUX_DS, PROMETHEUS_DS } from './datasources.js';

/**
 * Grafana dashboard JSON (schemaVersion 39, Grafana 10/11) as plain typed objects: just the parts
 * these dashboards use. Builders fill in the boilerplate; `layout` assigns ids and grid positions.
 *
 * @example
 *   const panel = influxTimeseries('Readings/s', [{ query: 'SELECT ... WHERE $timeFilter ...' }], { unit: 'reqps' });
 *   const dashboard = dashboardOf({ uid: 'iotp-fleet', title: 'Fleet overview', rows: [[panel]] });
 */
export interface Dashboard {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  timezone: 'browser' | 'utc';
  schemaVersion: number;
  version: number;
  editable: boolean;
  graphTooltip: 0 | 1 | 2;
  time: { from: string; to: string };
  refresh: string;
  templating: { list: Variable[] };
  annotations: { list: Annotation[] };
  panels: Panel[];
  links: Array<{ title: string; type: 'dashboards'; tags: string[]; asDropdown: boolean }>;
}

export interface GridPos {
  h: number;
  w: number;
  x: number;
  y: number;
}

export interface InfluxTarget {
  refId: string;
  datasource: typeof INFLUX_DS;
  query: string;
  rawQuery: true;
  resultFormat: 'time_series' | 'table';
  alias?: string;
}

export interface PromTarget {
  refId: string;
  datasource: typeof PROMETHEUS_DS;
  expr: string;
  legendFormat: string;
  range: boolean;
  instant: boolean;
}

export type Target = InfluxTarget | PromTarget;

export interface Panel {
  id: number;
  type: 'timeseries' | 'stat' | 'table' | 'bargauge' | 'gauge';
  title: string;
  description?: string;
  gridPos: GridPos;
  datasource: DatasourceRef;
  targets: Target[];
  fieldConfig: { defaults: Record<string, unknown>; overrides: unknown[] };
  options: Record<string, unknown>;
  transformations?: Array<{ id: string; options: Record<string, unknown> }>;
  repeat?: string;
  repeatDirection?: 'h' | 'v';
  maxPerRow?: number;
}

export interface Variable {
  type: 'query' | 'custom' | 'interval';
  name: string;
  label: string;
  datasource?: DatasourceRef;
  query: string;
  /** Grafana applies it to each value; a capture group keeps only the group. */
  regex: string;
  refresh: 1 | 2;
  multi: boolean;
  includeAll: boolean;
  allValue?: string;
  sort: number;
  current: Record<string, unknown>;
  options: unknown[];
  hide: 0 | 1 | 2;
}

export interface Annotation {
  name: string;
  datasource: DatasourceRef | { type: 'grafana'; uid: '-- Grafana --' };
  enable: boolean;
  hide?: boolean;
  iconColor: string;
  builtIn?: 1;
  type?: 'dashboard';
  target?: {
    query: string;
    rawQuery: true;
    resultFormat: 'table';
    refId: string;
    tagsColumn?: string;
    textColumn?: string;
  };
}

/** A panel before layout: size only. */
export type PanelSpec = Omit<Panel, 'id' | 'gridPos'> & { w?: number; h?: number };

export interface InfluxQuerySpec {
  query: string;
  alias?: string;
  format?: 'time_series' | 'table';
}

export interface PanelOptions {
  unit?: string;
  description?: string;
  w?: number;
  h?: number;
  decimals?: number;
  min?: number;
  max?: number;
  repeat?: string;
  stack?: boolean;
  /** timeseries drawing style overrides by series name regex. */
  overrides?: unknown[];
  transformations?: Panel['transformations'];
  options?: Record<string, unknown>;
}

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function refId(i: number): string {
  return REF_IDS[i] ?? `Q${i}`;
}

function defaults(o: PanelOptions, extra: Record<string, unknown> = {}): Panel['fieldConfig'] {
  const d: Record<string, unknown> = { ...extra };
  if (o.unit !== undefined) d.unit = o.unit;
  if (o.decimals !== undefined) d.decimals = o.decimals;
  if (o.min !== undefined) d.min = o.min;
  if (o.max !== undefined) d.max = o.max;
  return { defaults: d, overrides: o.overrides ?? [] };
}

function common(o: PanelOptions): Pick<PanelSpec, 'w' | 'h' | 'description' | 'repeat' | 'transformations'> & {
  repeatDirection?: 'h';
  maxPerRow?: number;
} {
  return {
    ...(o.w !== undefined ? { w: o.w } : {}),
    ...(o.h !== undefined ? { h: o.h } : {}),
    ...(o.description !== undefined ? { description: o.description } : {}),
    ...(o.repeat !== undefined ? { repeat: o.repeat, repeatDirection: 'h' as const, maxPerRow: 3 } : {}),
    ...(o.transformations !== undefined ? { transformations: o.transformations } : {}),
  };
}

function influxTargets(queries: InfluxQuerySpec[], format: 'time_series' | 'table'): InfluxTarget[] {
  return queries.map((q, i) => ({
    refId: refId(i),
    datasource: INFLUX_DS,
    query: q.query,
    rawQuery: true,
    resultFormat: q.format ?? format,
    ...(q.alias !== undefined ? { alias: q.alias } : {}),
  }));
}

const timeseriesCustom = (stack: boolean) => ({
  custom: {
    drawStyle: 'line',
    lineWidth: 1,
    fillOpacity: stack ? 30 : 10,
    showPoints: 'never',
    spanNulls: false,
    stacking: { mode: stack ? 'normal' : 'none', group: 'A' },
  },
});

export function influxTimeseries(title: string, queries: InfluxQuerySpec[], o: PanelOptions = {}): PanelSpec {
  return {
    type: 'timeseries',
    title,
    datasource: INFLUX_DS,
    targets: influxTargets(queries, 'time_series'),
    fieldConfig: defaults(o, timeseriesCustom(o.stack ?? false)),
    options: {
      legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
      tooltip: { mode: 'multi' },
      ...o.options,
    },
    ...common(o),
  };
}

export function influxStat(title: string, queries: InfluxQuerySpec[], o: PanelOptions = {}): PanelSpec {
  return {
    type: 'stat',
    title,
    datasource: INFLUX_DS,
    targets: influxTargets(queries, 'time_series'),
    fieldConfig: defaults(o),
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      colorMode: 'value',
      graphMode: 'area',
      textMode: 'auto',
      ...o.options,
    },
    ...common(o),
  };
}

export function influxTable(title: string, queries: InfluxQuerySpec[], o: PanelOptions = {}): PanelSpec {
  return {
    type: 'table',
    title,
    datasource: INFLUX_DS,
    targets: influxTargets(queries, 'table'),
    fieldConfig: defaults(o),
    options: {
      showHeader: true,
      cellHeight: 'sm',
      footer: { show: false, reducer: ['sum'], fields: '' },
      ...o.options,
    },
    ...common(o),
  };
}

export interface PromQuerySpec {
  expr: string;
  legend: string;
  instant?: boolean;
}

function promTargets(queries: PromQuerySpec[]): PromTarget[] {
  return queries.map((q, i) => ({
    refId: refId(i),
    datasource: PROMETHEUS_DS,
    expr: q.expr,
    legendFormat: q.legend,
    range: !q.instant,
    instant: q.instant ?? false,
  }));
}

export function promTimeseries(title: string, queries: PromQuerySpec[], o: PanelOptions = {}): PanelSpec {
  return {
    type: 'timeseries',
    title,
    datasource: PROMETHEUS_DS,
    targets: promTargets(queries),
    fieldConfig: defaults(o, timeseriesCustom(o.stack ?? false)),
    options: {
      legend: { displayMode: 'table', placement: 'right', showLegend: true, calcs: ['lastNotNull', 'max'] },
      tooltip: { mode: 'multi' },
      ...o.options,
    },
    ...common(o),
  };
}

export function promStat(title: string, queries: PromQuerySpec[], o: PanelOptions = {}): PanelSpec {
  return {
    type: 'stat',
    title,
    datasource: PROMETHEUS_DS,
    targets: promTargets(queries),
    fieldConfig: defaults(o),
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      colorMode: 'value',
      graphMode: 'area',
      ...o.options,
    },
    ...common(o),
  };
}

export function promBarGauge(title: string, queries: PromQuerySpec[], o: PanelOptions = {}): PanelSpec {
  return {
    type: 'bargauge',
    title,
    datasource: PROMETHEUS_DS,
    targets: promTargets(queries),
    fieldConfig: defaults(o),
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      orientation: 'horizontal',
      displayMode: 'gradient',
      ...o.options,
    },
    ...common(o),
  };
}

/** An InfluxDB query variable (values from SHOW ...), optionally multi-valued with an "All" that matches everything. */
export function influxVariable(
  name: string,
  label: string,
  query: string,
  o: { regex?: string; multi?: boolean; includeAll?: boolean } = {},
): Variable {
  return {
    type: 'query',
    name,
    label,
    datasource: INFLUX_DS,
    query,
    regex: o.regex ?? '',
    refresh: 2,
    multi: o.multi ?? false,
    includeAll: o.includeAll ?? false,
    ...(o.includeAll ? { allValue: '.*' } : {}),
    sort: 1,
    current: {},
    options: [],
    hide: 0,
  };
}

export function influxAnnotation(
  name: string,
  query: string,
  color: string,
  columns: { tags?: string; text?: string } = {},
): Annotation {
  return {
    name,
    datasource: INFLUX_DS,
    enable: true,
    iconColor: color,
    target: {
      query,
      rawQuery: true,
      resultFormat: 'table',
      refId: 'Anno',
      ...(columns.tags !== undefined ? { tagsColumn: columns.tags } : {}),
      ...(columns.text !== undefined ? { textColumn: columns.text } : {}),
    },
  };
}

const BUILT_IN_ANNOTATION: Annotation = {
  name: 'Annotations & Alerts',
  datasource: { type: 'grafana', uid: '-- Grafana --' },
  enable: true,
  hide: true,
  iconColor: 'rgba(0, 211, 255, 1)',
  builtIn: 1,
  type: 'dashboard',
};

/** Lays out rows of panels left to right (24 columns), assigning ids in order. */
export function layout(rows: PanelSpec[][]): Panel[] {
  const panels: Panel[] = [];
  let y = 0;
  let id = 1;
  for (const row of rows) {
    let x = 0;
    let height = 0;
    const width = Math.floor(24 / Math.max(1, row.length));
    for (const spec of row) {
      const { w, h, ...rest } = spec;
      const pw = w ?? width;
      const ph = h ?? 8;
      panels.push({ id: id++, gridPos: { h: ph, w: pw, x, y }, ...rest });
      x += pw;
      height = Math.max(height, ph);
    }
    y += height;
  }
  return panels;
}

export function dashboardOf(d: {
  uid: string;
  title: string;
  description: string;
  rows: PanelSpec[][];
  variables?: Variable[];
  annotations?: Annotation[];
  time?: { from: string; to: string };
  refresh?: string;
}): Dashboard {
  return {
    uid: d.uid,
    title: d.title,
    description: d.description,
    tags: ['iotp'],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    editable: false,
    graphTooltip: 1,
    time: d.time ?? { from: 'now-6h', to: 'now' },
    refresh: d.refresh ?? '30s',
    templating: { list: d.variables ?? [] },
    annotations: { list: [BUILT_IN_ANNOTATION, ...(d.annotations ?? [])] },
    panels: layout(d.rows),
    links: [{ title: 'IoT telemetry', type: 'dashboards', tags: ['iotp'], asDropdown: true }],
  };
}
