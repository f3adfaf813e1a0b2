import { randomBytes } from 'node:crypto';
import { loadStackEnv, stackEnvFile } from '../../lib/runtime/stack-env.js';

/**
 * The running local stack's settings. Integration tests call this and fail (never skip) when the
 * stack is not up: `make test` starts it; by hand, run `make stack-up`.
 */
export function stackEnv(): Record<string, string> {
  const env = loadStackEnv();
  for (const key of ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'MQTT_URL', 'INFLUX_URL']) {
    if (!env[key])
      throw new Error(`${key} is not set: start the stack with 'make stack-up' (expected ${stackEnvFile()})`);
  }
  return env;
}

/** A name no other test uses: tests never share topics, groups or subjects. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}
