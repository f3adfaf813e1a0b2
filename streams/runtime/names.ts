import { ConfigError } from '../../lib/errors.js';

const NAME = /^[A-Za-z0-9._-]{1,200}$/;

/** Names starting with this are the runtime's own (the task metadata store). */
export const INTERNAL_PREFIX = '__';

/**
 * Checks a step or store name: names become Kafka topic names (changelogs) and metric labels, so
 * they use only `[A-Za-z0-9._-]`.
 */
export function validateName(key: string, name: string): string {
  if (name.startsWith(INTERNAL_PREFIX) && key !== 'internal')
    throw new ConfigError(key, `names starting with '${INTERNAL_PREFIX}' are reserved, got '${name}'`);
  if (!NAME.test(name)) throw new ConfigError(key, `expected 1-200 characters of [A-Za-z0-9._-], got '${name}'`);
  return name;
}

/** The changelog topic of a store: `<application.id>-<store>-changelog` (as Kafka Streams names it). */
export function changelogTopic(applicationId: string, storeName: string): string {
  return `${applicationId}-${storeName}-changelog`;
}

/** An internal repartition topic: `<application.id>-<name>-repartition` (as Kafka Streams names it). */
export function repartitionTopic(applicationId: string, name: string): string {
  return `${applicationId}-${name}-repartition`;
}

/** The internal store that keeps each task's stream time across restarts. */
export const TASK_META_STORE = '__task-meta';
