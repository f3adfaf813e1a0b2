import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { allDashboards, renderDashboard } from './src/all-dashboards.js';
import { INFLUX_DS, PROMETHEUS_DS } from './src/datasources.js';
import { referencedVariables } from './src/interpolate.js';
import { METRIC_NAMES } from './src/metric-names.js';
import type { Dashboard, InfluxTarget, PromTarget } from './src/model.js';

const here = dirname(fileURLToPath(import.meta.url));
const dashboards = allDashboards();

function influxQueries(d: Dashboard): string[] {
  const panels = d.panels.flatMap((p) => p.targets.filter((t): t is InfluxTarget => 'query' in t).map((t) => t.query));
  const annotations = d.annotations.list.flatMap((a) => (a.target ? [a.target.query] : []));
  return [...panels, ...annotations];
}

function promExprs(d: Dashboard): string[] {
  return d.panels.flatMap((p) => p.targets.filter((t): t is PromTarget => 'expr' in t).map((t) => t.expr));
}

describe('generated dashboards', () => {
  it('grafana/dashboards/*.json is what grafana/src generates (run: node --import tsx grafana/src/generate.ts)', () => {
    const committed = readdirSync(join(here, 'dashboards'))
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(committed).toEqual(Object.keys(dashboards).sort());
    for (const [file, dashboard] of Object.entries(dashboards)) {
      expect(readFileSync(join(here, 'dashboards', file), 'utf8'), `${file} is stale`).toBe(renderDashboard(dashboard));
    }
  });

  it.each(Object.entries(dashboards))(
    '%s: unique uid and panel ids, panels inside the 24-column grid, no overlap',
    (_, d) => {
      const ids = d.panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      const cells = new Set<string>();
      for (const p of d.panels) {
        expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
        expect(p.targets.length).toBeGreaterThan(0);
        for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) {
          for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
            const cell = `${x},${y}`;
            expect(cells.has(cell), `${p.title} overlaps at ${cell}`).toBe(false);
            cells.add(cell);
          }
        }
      }
      expect(new Set(Object.values(dashboards).map((x) => x.uid)).size).toBe(Object.keys(dashboards).length);
    },
  );

  it.each(Object.entries(dashboards))(
    '%s: InfluxQL queries are bounded in time and use only defined variables',
    (_, d) => {
      const defined = new Set(d.templating.list.map((v) => v.name));
      const queries = influxQueries(d);
      for (const q of queries) {
        expect(q, q).toContain('$timeFilter');
        for (const name of referencedVariables(q)) expect(defined.has(name), `${name} in ${q}`).toBe(true);
      }
      for (const v of d.templating.list) {
        for (const name of referencedVariables(v.query))
          expect(defined.has(name), `${name} in variable ${v.name}`).toBe(true);
      }
      for (const p of d.panels) {
        if (p.repeat !== undefined) expect(defined.has(p.repeat)).toBe(true);
        for (const t of p.targets) expect([INFLUX_DS.uid, PROMETHEUS_DS.uid]).toContain(t.datasource.uid);
      }
    },
  );

  it('Prometheus panels use only metric names declared in grafana/src/metric-names.ts', () => {
    const exprs = Object.values(dashboards).flatMap(promExprs);
    expect(exprs.length).toBeGreaterThan(10);
    const declared = new Set(METRIC_NAMES);
    for (const expr of exprs) {
      const names = [...expr.matchAll(/\biotp_[a-z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, ''));
      expect(names.length, expr).toBeGreaterThan(0);
      for (const name of names) expect(declared.has(name), `${name} in ${expr}`).toBe(true);
    }
  });

  it('the four dashboards cover what the issue asks for', () => {
    const titles = (file: string) => dashboards[file]?.panels.map((p) => p.title) ?? [];
    expect(titles('fleet-overview.json')).toEqual(
      expect.arrayContaining([
        'Readings/s',
        'Devices reporting',
        'Anomalies by kind',
        `\${type} \${field}: mean by site (1m windows)`,
      ]),
    );
    expect(dashboards['device-detail.json']?.templating.list.map((v) => v.name)).toContain('deviceId');
    expect(dashboards['device-detail.json']?.annotations.list.map((a) => a.name)).toContain('Anomalies');
    expect(titles('device-detail.json')).toEqual(expect.arrayContaining(['Status', 'Last seen', '$field']));
    expect(titles('anomalies.json')).toEqual(
      expect.arrayContaining([
        'Latest incidents (time = start; end and duration once closed)',
        'Open incidents',
        'Incidents by kind',
        'Incidents by detector',
        'Incidents by site',
      ]),
    );
    expect(titles('pipeline-health.json')).toEqual(
      expect.arrayContaining([
        'Throughput per stage',
        'Consumer lag per group and partition',
        'Dead letters by reason',
        'Processing latency per stage',
        'End-to-end latency (event time to output)',
        'State restore: progress (1 = restored)',
      ]),
    );
  });
});

const datasourceFile = z
  .object({
    apiVersion: z.literal(1),
    datasources: z.array(
      z
        .object({
          name: z.string().min(1),
          uid: z.string().min(1),
          type: z.enum(['influxdb', 'prometheus']),
          access: z.literal('proxy'),
          url: z.string().min(1),
          isDefault: z.boolean(),
          editable: z.boolean(),
          jsonData: z.record(z.string(), z.unknown()),
          secureJsonData: z.record(z.string(), z.string()).optional(),
        })
        .strict(),
    ),
  })
  .strict();

const providerFile = z
  .object({
    apiVersion: z.literal(1),
    providers: z.array(
      z
        .object({
          name: z.string(),
          orgId: z.number(),
          folder: z.string(),
          type: z.literal('file'),
          disableDeletion: z.boolean(),
          allowUiUpdates: z.boolean(),
          updateIntervalSeconds: z.number().positive(),
          options: z.object({ path: z.string().startsWith('/'), foldersFromFilesStructure: z.boolean() }).strict(),
        })
        .strict(),
    ),
  })
  .strict();

describe('provisioning', () => {
  const compose = parse(readFileSync(join(here, '..', 'docker-compose.yml'), 'utf8')) as {
    services: { grafana: { environment: Record<string, string>; volumes: string[] } };
  };
  const grafana = compose.services.grafana;

  it('datasources: one InfluxQL and one Prometheus, with the uids the dashboards use, env vars the compose file sets', () => {
    const text = readFileSync(join(here, 'provisioning', 'datasources', 'iotp.yaml'), 'utf8');
    const file = datasourceFile.parse(parse(text));
    const influx = file.datasources.find((d) => d.type === 'influxdb');
    const prom = file.datasources.find((d) => d.type === 'prometheus');
    expect(influx?.uid).toBe(INFLUX_DS.uid);
    expect(prom?.uid).toBe(PROMETHEUS_DS.uid);
    expect(influx?.jsonData).toMatchObject({ version: 'InfluxQL', httpHeaderName1: 'Authorization' });
    expect(influx?.secureJsonData?.httpHeaderValue1).toMatch(/^Token \$\{INFLUX_TOKEN\}$/);
    expect(file.datasources.filter((d) => d.isDefault)).toHaveLength(1);
    const used = [...text.replace(/^#.*$/gm, '').matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(0);
    for (const name of used)
      expect(grafana.environment, `compose sets ${name} for grafana`).toHaveProperty(name as string);
  });

  it('dashboards provider reads the folder the compose file mounts grafana/dashboards at', () => {
    const file = providerFile.parse(parse(readFileSync(join(here, 'provisioning', 'dashboards', 'iotp.yaml'), 'utf8')));
    const mount = grafana.volumes.find((v) => v.startsWith('./grafana/dashboards:'))?.split(':')[1];
    expect(file.providers[0]?.options.path).toBe(mount);
    const provisioningMount = grafana.volumes.find((v) => v.startsWith('./grafana/provisioning:'))?.split(':')[1];
    expect(provisioningMount).toBe('/etc/grafana/provisioning');
  });
});
