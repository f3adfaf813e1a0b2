import { z } from 'zod';
import { windowEntry } from './streams.js';

/** The fleet dimensions a per-group window can be keyed by (a device registry field). */
export const FLEET_DIMENSIONS = ['site', 'model'] as const;
export type FleetDimension = (typeof FLEET_DIMENSIONS)[number];

/**
 * `enrich:` the enrich topology (`iotp streams run enrich`, docs/ARCHITECTURE.md "Enrichment and
 * fleet views"): readings and anomalies left-joined with the device registry (site, model,
 * firmware, tags) to `<topic>.enriched`, and per-site / per-model window results
 * (`<reading topic>.agg.<by>.<window>`), which the InfluxDB sink writes.
 *
 * @example
 *   enrich: { enabled: true, fleet: { by: [site, model], windows: [{ size: 1m, grace: 10s }] } }
 */
export const enrichSection = z
  .object({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        'Run the enrichment: `iotp setup` creates `<topic>.enriched` and the fleet topics `<topic>.agg.<site|model>.<window>` and registers their schemas, `iotp streams run enrich` writes them, and the InfluxDB sink writes the fleet topics (measurements `<type>_<window>_by_<site|model>`). The sink tags points with the registry itself (devices.enabled); a sink given the enriched topics in sink.topics takes the tags from the records instead.',
      ),
    anomalies: z.boolean().default(true).describe('Enrich kafka.topics.anomalies too (to `<anomalies>.enriched`).'),
    fleet: z
      .object({
        by: z
          .array(z.enum(FLEET_DIMENSIONS, { error: 'expected site or model' }))
          .default(['site', 'model'])
          .describe(
            'Fleet views: per-site and/or per-model window results of every reading type, through a repartition by that key. Empty: none.',
          ),
        windows: z
          .array(windowEntry)
          .prefault([{ size: '1m', grace: '10s' }])
          .describe('Event-time windows of the fleet views (topics `<reading topic>.agg.<by>.<window name>`).'),
      })
      .strict()
      .prefault({})
      .describe('Per-group window results (the aggregate statistics of every device of a site or a model).'),
  })
  .strict()
  .superRefine((enrich, ctx) => {
    const names = new Map<string, number>();
    enrich.fleet.windows.forEach((w, i) => {
      const at = (key: string, message: string) =>
        ctx.addIssue({ code: 'custom', path: ['fleet', 'windows', i, key], message, input: undefined });
      if (w.size <= 0) at('size', 'expected a window size above 0');
      if (w.hop !== undefined && (w.hop <= 0 || w.hop > w.size)) at('hop', 'expected 0 < hop <= size');
      if (w.retention !== undefined && w.retention < w.size + w.grace)
        at('retention', 'expected at least size + grace (grace is longer than the window is retained)');
      const name = w.name ?? String(w.size);
      const previous = names.get(name);
      if (previous !== undefined) at('name', `window name is already used by enrich.fleet.windows[${previous}]`);
      names.set(name, i);
    });
    if (new Set(enrich.fleet.by).size !== enrich.fleet.by.length)
      ctx.addIssue({
        code: 'custom',
        path: ['fleet', 'by'],
        message: 'expected each of site, model once',
        input: undefined,
      });
  })
  .prefault({})
  .describe('Enrichment with the device registry and fleet views (iotp streams run enrich).');

export type EnrichSection = z.output<typeof enrichSection>;
