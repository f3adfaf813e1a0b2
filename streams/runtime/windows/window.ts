/**
 * A time window `[start, end)` in epoch milliseconds (end exclusive), as Kafka Streams' TimeWindow.
 * Session windows use the same value with `end` = the last record's timestamp (inclusive).
 *
 * @example
 *   const w: Window = { start: 60_000, end: 120_000 };
 */
export interface Window {
  readonly start: number;
  readonly end: number;
}

/**
 * A key together with the window it was aggregated in: the key type of windowed results.
 *
 * @example
 *   const wk: Windowed<string> = { key: 'dev-1', window: { start: 0, end: 60_000 } };
 */
export interface Windowed<K> {
  readonly key: K;
  readonly window: Window;
}
