import { ConfigError } from '../../../lib/errors.js';
import { StreamStreamJoinProcessor } from '../processors/joins/stream-stream-join.js';
import { StreamTableJoinProcessor } from '../processors/joins/stream-table-join.js';
import { TableTableJoinProcessor } from '../processors/joins/table-table-join.js';
import { StatelessProcessor } from '../processors/stateless.js';
import { Serdes, type SyncSerde } from '../serde.js';
import { joinWindowStore } from '../state/join-window-store.js';
import type { JoinWindows } from '../windows/join-windows.js';
import { addRepartition } from './add-repartition.js';
import type { BuilderContext } from './builder-context.js';
import { KStream } from './kstream.js';
import { KTable } from './ktable.js';

/** Kafka Streams' StreamJoined: the join's name (steps, stores) and the serdes of its two stores. */
export interface StreamJoined<K, V, VO> {
  name?: string;
  keySerde?: SyncSerde<K>;
  /** Default JSON. */
  valueSerde?: SyncSerde<V>;
  /** Default JSON. */
  otherValueSerde?: SyncSerde<VO>;
  /** Default true: the join stores log to `<application.id>-<name>-this|other-join-store-changelog`. */
  logged?: boolean;
}

function tableStore(table: KTable<unknown, unknown>, step: string): string {
  if (table.storeName === undefined)
    throw new ConfigError(
      `topology.${step}`,
      `expected a materialized table to join (StreamsBuilder.table or an aggregation), got ${table.stepName}`,
    );
  return table.storeName;
}

/** Input of a join: the stream's own step, or a repartition of it when its key was changed. */
function joinInput<K, V>(ctx: BuilderContext, stream: KStream<K, V>, name: string): string {
  return stream.repartitionRequired ? addRepartition(ctx, stream.stepName, name, stream.serdes) : stream.stepName;
}

export function streamTableJoin<K, V, VT, VR>(
  ctx: BuilderContext,
  stream: KStream<K, V>,
  table: KTable<K, VT>,
  joiner: (value: V, tableValue: VT | null, key: K) => VR,
  left: boolean,
  name: string | undefined,
): KStream<K, VR> {
  const step = name ?? ctx.nextName(left ? 'leftJoin' : 'join');
  const store = tableStore(table as KTable<unknown, unknown>, step);
  const parent = joinInput(ctx, stream, step);
  ctx.topology.addDescribedProcessor(
    step,
    () => new StreamTableJoinProcessor<K, V, VT, VR>({ step, store, left, joiner }),
    `${left ? 'left-join' : 'join'} table ${store}`,
    parent,
  );
  ctx.topology.connectProcessorAndStateStores(store, step);
  return new KStream<K, VR>(ctx, step, { keySerde: stream.serdes.keySerde });
}

export function tableTableJoin<K, V, VO, VR>(
  ctx: BuilderContext,
  left: KTable<K, V>,
  right: KTable<K, VO>,
  joiner: (value: V, otherValue: VO, key: K) => VR,
  name: string | undefined,
): KTable<K, VR | null> {
  const step = name ?? ctx.nextName('join');
  const leftStore = tableStore(left as KTable<unknown, unknown>, step);
  const rightStore = tableStore(right as KTable<unknown, unknown>, step);
  const t = ctx.topology;
  t.addDescribedProcessor(
    `${step}-this`,
    () => new TableTableJoinProcessor<K, V, VO, VR>({ step: `${step}-this`, otherStore: rightStore, joiner }),
    `table-join ${rightStore}`,
    left.stepName,
  );
  t.connectProcessorAndStateStores(rightStore, `${step}-this`);
  t.addDescribedProcessor(
    `${step}-other`,
    () =>
      new TableTableJoinProcessor<K, VO, V, VR>({
        step: `${step}-other`,
        otherStore: leftStore,
        joiner: (vo, v, k) => joiner(v, vo, k),
      }),
    `table-join ${leftStore}`,
    right.stepName,
  );
  t.connectProcessorAndStateStores(leftStore, `${step}-other`);
  t.addDescribedProcessor(
    step,
    () => new StatelessProcessor<K, VR | null, K, VR | null>((r, emit) => emit(r)),
    'table-join-merge',
    `${step}-this`,
    `${step}-other`,
  );
  return new KTable<K, VR | null>(ctx, step, undefined, { keySerde: left.serdes.keySerde });
}

export function streamStreamJoin<K, V, VO, VR>(
  ctx: BuilderContext,
  left: KStream<K, V>,
  right: KStream<K, VO>,
  joiner: (value: V, otherValue: VO, key: K) => VR,
  windows: JoinWindows,
  joined: StreamJoined<K, V, VO>,
): KStream<K, VR> {
  const step = joined.name ?? ctx.nextName('join');
  const keySerde = joined.keySerde ?? (left.serdes.keySerde as SyncSerde<K> | undefined);
  if (keySerde === undefined)
    throw new ConfigError(`topology.${step}.keySerde`, 'expected a key serde for the join stores (StreamJoined)');
  const retentionMs = Math.max(1, windows.retentionMs());
  const logged = joined.logged ?? true;
  const thisStore = `${step}-this-join-store`;
  const otherStore = `${step}-other-join-store`;
  const t = ctx.topology;
  const leftInput = joinInput(ctx, left, `${step}-left`);
  const rightInput = joinInput(ctx, right, `${step}-right`);
  t.addDescribedProcessor(
    `${step}-this-join`,
    () =>
      new StreamStreamJoinProcessor<K, V, VO, VR>({
        step: `${step}-this-join`,
        thisStore,
        otherStore,
        windows,
        joiner,
      }),
    `stream-join ${windows.describe()}`,
    leftInput,
  );
  t.addDescribedProcessor(
    `${step}-other-join`,
    () =>
      new StreamStreamJoinProcessor<K, VO, V, VR>({
        step: `${step}-other-join`,
        thisStore: otherStore,
        otherStore: thisStore,
        windows: windows.reverse(),
        joiner: (vo, v, k) => joiner(v, vo, k),
      }),
    `stream-join ${windows.reverse().describe()}`,
    rightInput,
  );
  t.addStateStore(
    joinWindowStore(thisStore, keySerde, joined.valueSerde ?? Serdes.json<V>(), { retentionMs, logged }),
    `${step}-this-join`,
    `${step}-other-join`,
  );
  t.addStateStore(
    joinWindowStore(otherStore, keySerde, joined.otherValueSerde ?? Serdes.json<VO>(), { retentionMs, logged }),
    `${step}-this-join`,
    `${step}-other-join`,
  );
  t.addDescribedProcessor(
    step,
    () => new StatelessProcessor<K, VR, K, VR>((r, emit) => emit(r)),
    'stream-join-merge',
    `${step}-this-join`,
    `${step}-other-join`,
  );
  return new KStream<K, VR>(ctx, step, { keySerde: left.serdes.keySerde });
}
