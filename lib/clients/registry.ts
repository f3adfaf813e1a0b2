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
