/**
 * Bytes of state per key of the stats window store (1-minute windows, 100k device keys): the
 * changelog bytes (key + value as written to Kafka) and the in-memory heap of the store.
 *
 *   node --expose-gc --import ./node_modules/tsx/dist/loader.mjs bench/streams/state-bytes.ts --keys 100000
 */
import { Serdes } from '../../streams/runtime/serde.js';
import { Stores } from '../../streams/runtime/state/stores.js';
import { type Stats, statsSerde } from '../../streams/test-utils/stats-topology.js';
import { arg } from './avro-stats.js';

const keys = Number(arg('keys', '100000'));
const gc = (globalThis as { gc?: () => void }).gc;

function heap(): number {
  gc?.();
  return process.memoryUsage().heapUsed;
}

const store = Stores.window('stats', Serdes.string(), statsSerde, { retentionMs: 65_000 }).build();
store.init({ applicationId: 'bench', partition: 0, currentStreamTimeMs: () => 0 });
const before = heap();
for (let i = 0; i < keys; i++) {
  const s: Stats = { count: 10, min: 1.5, max: 30.25, sum: 150.5 };
  store.put(`dev-${String(i).padStart(6, '0')}`, 1_767_225_600_000, s);
}
const log = store.drainChangelog();
const after = heap();
const changelogBytes = log.reduce((a, e) => a + e.key.length + (e.value?.length ?? 0), 0);
console.log(
  JSON.stringify({
    keys,
    keyExample: 'dev-000000 (10 bytes)',
    changelogBytesPerKey: Number((changelogBytes / keys).toFixed(1)),
    layout: '8-byte window start + key bytes | 28-byte stats (uint32 count, float64 min/max/sum)',
    heapBytesPerKey: gc ? Math.round((after - before) / keys) : 'run with --expose-gc',
  }),
);
