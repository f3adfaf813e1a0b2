import { ConfigError } from '../../../lib/errors.js';
import type { Guarantee } from './task-runner.js';

/** Runtime settings a worker process reads from its environment. */
export interface StreamsEnvSettings {
  guarantee: Guarantee;
  commitIntervalMs: number | undefined;
  idleTimeoutMs: number;
  metricsPort: number;
  sessionTimeoutMs: number | undefined;
}

function int(
  env: Record<string, string | undefined>,
  key: string,
  fallback: number | undefined,
  min: number,
): number | undefined {
  const raw = env[key]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new ConfigError(key, `expected an integer >= ${min}, got "${raw}"`);
  return n;
}

/**
 * STREAMS_GUARANTEE (exactly_once | at_least_once, default exactly_once), STREAMS_COMMIT_INTERVAL_MS
 * (default: 100 EOS / 1000 ALOS), STREAMS_IDLE_TIMEOUT_MS (default 0 = off), STREAMS_METRICS_PORT
 * (default 0 = any free port), STREAMS_SESSION_TIMEOUT_MS (consumer session timeout, default the
 * backend's; the broker accepts 6000 and up).
 *
 * @example
 *   const s = streamsEnv(loadStackEnv());
 */
export function streamsEnv(env: Record<string, string | undefined>): StreamsEnvSettings {
  const g = env.STREAMS_GUARANTEE?.trim() || 'exactly_once';
  if (g !== 'exactly_once' && g !== 'at_least_once')
    throw new ConfigError('STREAMS_GUARANTEE', `expected exactly_once or at_least_once, got "${g}"`);
  return {
    guarantee: g,
    commitIntervalMs: int(env, 'STREAMS_COMMIT_INTERVAL_MS', undefined, 1),
    idleTimeoutMs: int(env, 'STREAMS_IDLE_TIMEOUT_MS', 0, 0) ?? 0,
    metricsPort: int(env, 'STREAMS_METRICS_PORT', 0, 0) ?? 0,
    sessionTimeoutMs: int(env, 'STREAMS_SESSION_TIMEOUT_MS', undefined, 1),
  };
}
