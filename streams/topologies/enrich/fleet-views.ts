import type { KStream } from '../../runtime/dsl/kstream.js';
import type { StreamsBuilder } from '../../runtime/dsl/streams-builder.js';
import { Materialized } from '../../runtime/materialized.js';
import type { Processor, ProcessorContext } from '../../runtime/processor/processor.js';
import type { StreamRecord } from '../../runtime/record.js';
import { type Serde, Serdes } from '../../runtime/serde.js';
import { Suppressed } from '../../runtime/windows/suppressed.js';
import { TimeWindows } from '../../runtime/windows/time-windows.js';
import type { Windowed } from '../../runtime/windows/window.js';
import type { AggregateWindow } from '../aggregate/aggregate-topology.js';
import {
  addReading,
  newWindowAccumulator,
  toWindowResult,
  type WindowAccumulator,
  type WindowResult,
  windowAccumulatorSerde,
} from '../aggregate/window-accumulator.js';
import { dedupeReadings } from '../shared/dedupe-readings.js';
import type { ReadingValues } from '../shared/reading-values.js';
import type { TopologyRoute } from '../shared/topology-route.js';

/** A fleet dimension: the registry field a view groups the devices by. */
export type FleetBy = 'site' | 'model';

/** What a fleet view needs of an enriched reading: its values (site = the enriched site) and model. */
export interface FleetReading {
  reading: ReadingValues;
  model: string;
}

/** One view: the readings of a route grouped by `by`, one window result per group and window. */
export interface FleetView {
  by: FleetBy;
  /** Each window's `topic` is `<reading topic>.agg.<by>.<window name>`. */
  windows: readonly AggregateWindow[];
}

/**
 * A group's window result, in the window-result schema: the record key (and `site`, for a site
 * view) is the group; `deviceId` is empty (the sink then writes no deviceId tag); a model view
 * carries the model in `tags.model` (an InfluxDB tag), with `site` empty.
 */
class GroupResultProcessor implements Processor<Windowed<string>, WindowAccumulator, string, WindowResult> {
  private ctx!: ProcessorContext<string, WindowResult>;

  constructor(
    private readonly route: TopologyRoute,
    private readonly by: FleetBy,
    private readonly onResult: ((result: WindowResult, wallClockMs: number) => void) | undefined,
  ) {}

  init(context: ProcessorContext<string, WindowResult>): void {
    this.ctx = context;
  }

  process(record: StreamRecord<Windowed<string>, WindowAccumulator>): void {
    const { key, window } = record.key;
    const byModel = this.by === 'model';
    const result = toWindowResult('', window, record.value, {
      type: this.route.type,
      tags: byModel ? { ...this.route.tags, model: key } : this.route.tags,
      fieldOrder: this.route.fields,
    });
    result.site = byModel ? '' : key;
    this.onResult?.(result, this.ctx.currentSystemTimeMs());
    this.ctx.forward({ key, value: result, timestamp: record.timestamp, headers: {} });
  }
}

/** The value serde of the repartition topics: JSON (numbers are finite: checked by readingValues). */
const fleetReadingSerde = Serdes.json<FleetReading>();

export interface FleetViewsOptions {
  route: TopologyRoute;
  views: readonly FleetView[];
  resultSerde(topic: string): Serde<WindowResult>;
  percentiles: boolean;
  /** Drop copies of a reading (deviceId, ts) before the views (`<type>-dedupe`); undefined: off. */
  dedupeHorizonMs: number | undefined;
  onDuplicate?(type: string, deviceId: string, ts: number): void;
  onResult?(result: WindowResult, wallClockMs: number): void;
}

/**
 * The fleet views of one reading type, from its enriched stream (still keyed by deviceId): copies
 * dropped (the aggregate's dedupe step), then per dimension a groupBy through the repartition topic
 * `<app>-<type>-by-<by>-repartition` and, per window, a windowed aggregation `<type>-<by>-<window>`
 * with the aggregate topology's accumulator and FINAL results (window closed) to the window's topic.
 * A reading whose group is unknown (no model in the registry) is in no view of that dimension.
 *
 * @example
 *   addFleetViews(builder, values, { route, views: [{ by: 'site', windows: [M1] }], resultSerde, percentiles: true, dedupeHorizonMs: 70_000 });
 */
export function addFleetViews(
  builder: StreamsBuilder,
  values: KStream<string, FleetReading>,
  options: FleetViewsOptions,
): void {
  const { route } = options;
  const views = options.views.filter((v) => v.windows.length > 0);
  if (views.length === 0) return;
  const once =
    options.dedupeHorizonMs !== undefined
      ? dedupeReadings(builder, values, {
          type: route.type,
          horizonMs: options.dedupeHorizonMs,
          ...(options.onDuplicate ? { onDuplicate: options.onDuplicate } : {}),
        })
      : values;
  for (const view of views) {
    const groupOf = view.by === 'site' ? (v: FleetReading) => v.reading.site : (v: FleetReading) => v.model;
    const grouped = once
      .filter((_k, v) => groupOf(v) !== '', `${route.type}-by-${view.by}-known`)
      .groupBy((_k, v) => groupOf(v), {
        name: `${route.type}-by-${view.by}`,
        keySerde: Serdes.string(),
        valueSerde: fleetReadingSerde,
      });
    for (const w of view.windows) {
      const store = `${route.type}-${view.by}-${w.name}`;
      let spec = TimeWindows.ofSizeAndGrace(w.sizeMs, w.graceMs);
      if (w.hopMs !== undefined && w.hopMs !== w.sizeMs) spec = spec.advanceBy(w.hopMs);
      let materialized = Materialized.as<string, WindowAccumulator>(store)
        .withKeySerde(Serdes.string())
        .withValueSerde(windowAccumulatorSerde);
      if (w.retentionMs !== undefined) materialized = materialized.withRetention(w.retentionMs);
      grouped
        .windowedBy(spec)
        .aggregate<WindowAccumulator>(
          newWindowAccumulator,
          (_key, v: FleetReading, acc) => addReading(acc, route.fields, v.reading, options.percentiles),
          materialized,
        )
        .suppress(Suppressed.untilWindowCloses())
        .toStream()
        .process<string, WindowResult>(() => new GroupResultProcessor(route, view.by, options.onResult), {
          name: `${store}-result`,
        })
        .to(w.topic, { keySerde: Serdes.string(), valueSerde: options.resultSerde(w.topic), name: `${store}-out` });
    }
  }
}
