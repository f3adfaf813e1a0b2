import type { Logger } from 'pino';
import { registryClientFrom } from '../../clients/index.js';
import { type LoadedPipelineConfig, schemaPath } from '../../config/index.js';
import type { KafkaClient } from '../../kafka/types.js';
import { loadSchemaFile, type SchemaRegistryClient } from '../../serde/index.js';
import { openRegistryView, type RegistryView } from './registry-view.js';
import { type DeviceSerde, deviceSerde } from './serde.js';

type Config = Pick<LoadedPipelineConfig, 'devices' | 'registry' | 'source'>;

/** The registry's topic and serde from the pipeline config (`devices:`, `registry:`). */
export function deviceSerdeFrom(
  config: Config,
  registry: Pick<SchemaRegistryClient, 'lookupId' | 'register' | 'schemaById'> = registryClientFrom(config),
): { topic: string; serde: DeviceSerde } {
  const schema = loadSchemaFile(schemaPath(config.devices.schema, config.source.baseDir, config.registry.schemasDir));
  const topic = config.devices.topic;
  return { topic, serde: deviceSerde({ registry, schema, topic, autoRegister: config.registry.autoRegister }) };
}

/**
 * The live registry view a worker reads, when `devices.enabled`; undefined otherwise. Resolves
 * once the registry is read to its end (within `devices.readyTimeout`).
 *
 * @example
 *   const devices = await registryViewFrom(config, { kafka, log, clientId: 'iotp-sink-a' });
 */
export async function registryViewFrom(
  config: Config,
  deps: {
    kafka: KafkaClient;
    log: Logger;
    clientId: string;
    registry?: Pick<SchemaRegistryClient, 'lookupId' | 'register' | 'schemaById'>;
  },
): Promise<RegistryView | undefined> {
  if (!config.devices.enabled) return undefined;
  const { topic, serde } = deviceSerdeFrom(config, deps.registry);
  return openRegistryView({
    kafka: deps.kafka,
    topic,
    serde,
    log: deps.log,
    clientId: deps.clientId,
    readyTimeoutMs: config.devices.readyTimeout,
  });
}
