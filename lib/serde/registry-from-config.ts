import type { LoadedPipelineConfig } from '../../../lib/config/index.js';
import { createSchemaRegistryClient, type SchemaRegistryClient } from '../../../lib/serde/index.js';

/** The schema registry client of a worker, with the `registry:` section's url, auth, retries and timeouts. */
export function registryFromConfig(config: LoadedPipelineConfig): SchemaRegistryClient {
  const r = config.registry;
  return createSchemaRegistryClient({
    url: r.url,
    retries: r.retries,
    timeoutMs: r.timeout,
    unknownIdTtlMs: r.unknownIdTtl,
    ...(r.username && r.password ? { auth: { username: r.username, password: r.password } } : {}),
  });
}
