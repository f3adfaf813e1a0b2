/**
 * The ONE place clients are built from the validated pipeline config: Kafka (either backend, TLS,
 * SASL) and the schema registry (auth, retries, timeout). Every worker and command (source, sink,
 * both topologies, setup, lag, schemas, dlq) goes through here; the environment only fills the
 * YAML (`${VAR}`, `IOTP_<SECTION>__<KEY>`).
 *
 * @example
 *   const config = loadPipelineConfig({ env });
 *   const kafka = kafkaClientFrom(config, 'sink-r1');
 *   const registry = registryClientFrom(config);
 */
export { type KafkaConfigSource, kafkaClientConfig, kafkaClientFrom } from './kafka.js';
export {
  pipelineServers,
  type ServerRef,
  ServerUnreachableError,
  STACK_HINT,
  unreachableServer,
  withServers,
} from './reach.js';
export { registryAuthFromEnv, registryClientFrom } from './registry.js';
