import type { PipelineConfig } from '../config/schema.js';
import { createSchemaRegistryClient, type SchemaRegistryClient } from './registry-client.js';

/**
 * The schema registry client from the pipeline config's `registry:` section (url, auth, retries,
 * timeouts): the one place every worker and command builds it.
 */
export function registryFromConfig(config: Pick<PipelineConfig, 'registry'>, url?: string): SchemaRegistryClient {
  const r = config.registry;
  return createSchemaRegistryClient({
    url: url ?? r.url,
    retries: r.retries,
    timeoutMs: r.timeout,
    unknownIdTtlMs: r.unknownIdTtl,
    ...(r.username && r.password ? { auth: { username: r.username, password: r.password } } : {}),
  });
}
