/**
 * The archive (cold path) as files: where a record's file goes and how it is named (layout), and
 * reading it back with DuckDB (views per topic, `--since/--until`, output formats). The writer is
 * connectors/parquet-sink.
 */
export * from './format.js';
export * from './layout.js';
export * from './query.js';
export * from './time-range.js';
export * from './views.js';
