import type { Logger } from 'pino';
import type { LoadedPipelineConfig } from '../../../lib/config/index.js';
import { IotpError } from '../../../lib/errors.js';
import type { SchemaRegistryClient } from '../../../lib/serde/index.js';
import type { Topology } from '../../runtime/topology/topology.js';
import type { TopologyMetrics } from '../shared/topology-metrics.js';

/** The detect topology of a pipeline config (being written). */
export async function buildDetect(
  _config: LoadedPipelineConfig,
  _registry: SchemaRegistryClient,
  _metrics: TopologyMetrics,
  _log: Logger,
): Promise<Topology> {
  throw new IotpError('STREAMS_TOPOLOGY_MISSING', 'the detect topology is not implemented yet');
}
