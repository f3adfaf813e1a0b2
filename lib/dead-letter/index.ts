/**
 * What every stage shares about dead letters: the header vocabulary, the one table of reasons,
 * making a dead letter fit Kafka, the bound read from the broker, and the truncation metric.
 */
export * from './fit.js';
export * from './headers.js';
export * from './limits.js';
export * from './metrics.js';
export * from './reasons.js';
