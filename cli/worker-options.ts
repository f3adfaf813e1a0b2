import { ConfigError } from '../lib/errors.js';

/**
 * The port of a worker's /metrics /healthz /readyz: `--metrics-port`, else METRICS_PORT, else 9400
 * (0 = any free port). The error names whichever of the two gave the bad value.
 *
 * @example
 *   metricsPortOf(flags.metricsPort, env); // 9400
 */
export function metricsPortOf(flag: string | undefined, env: Record<string, string | undefined>): number {
  const key = flag !== undefined ? '--metrics-port' : 'METRICS_PORT';
  const text = (flag ?? env.METRICS_PORT ?? '9400').trim();
  const port = Number(text);
  if (text === '' || !Number.isInteger(port) || port < 0 || port > 65_535)
    throw new ConfigError(key, `expected a port number 0-65535 (0 = any free port), got '${text}'`);
  return port;
}
