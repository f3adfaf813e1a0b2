import type { PipelineConfig } from '../config/schema.js';
import { createSchemaRegistryClient, type SchemaRegistryClient } from '../serde/registry-client.js';

/**
 * The schema registry client from the pipeline config's `registry:` section (url, basic auth,
 * retries, timeout, unknown-id memory). `url` replaces `registry.url` (`iotp schemas --registry`).
 *
 * @example
 *   const registry = registryClientFrom(config);
 */
export function registryClientFrom(config: Pick<PipelineConfig, 'registry'>, url?: string): SchemaRegistryClient {
  const r = config.registry;
  return createSchemaRegistryClient({
    url: url ?? r.url,
    retries: r.retries,
    timeoutMs: r.timeout,
    unknownIdTtlMs: r.unknownIdTtl,
    ...(r.username && r.password ? { auth: { username: r.username, password: r.password } } : {}),
  });
}

/**
 * Basic auth for the registry from SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD (the
 * stack's .stack/env writes them), for tests and benchmarks that build a client from a URL rather
 * than from the pipeline YAML. Empty when either is unset.
 *
 * @example
 *   createSchemaRegistryClient({ url, ...registryAuthFromEnv(env) });
 */
export function registryAuthFromEnv(env: Record<string, string | undefined>): {
  auth?: { username: string; password: string };
} {
  const username = env.SCHEMA_REGISTRY_USERNAME;
  const password = env.SCHEMA_REGISTRY_PASSWORD;
  return username && password ? { auth: { username, password } } : {};
}
