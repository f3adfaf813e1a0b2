/**
 * The device registry (issue 16): a compacted Avro topic, one record per device (site, model,
 * firmware, gateway leaves, tags, limits, detector overrides). Pure parts (records, patches,
 * diffs, import files) apart from I/O (serde, snapshot, writer, the live view). docs/DEVICES.md.
 */
export * from './detect-settings.js';
export * from './device-tags.js';
export * from './diff.js';
export * from './field-syntax.js';
export * from './fold.js';
export * from './from-config.js';
export * from './import-file.js';
export * from './listing.js';
export * from './operations.js';
export * from './patch.js';
export * from './record.js';
export * from './registry-view.js';
export * from './serde.js';
export * from './snapshot.js';
export * from './write-records.js';
