import type { Topology } from '../topology/topology.js';

/** Shared by the DSL objects of one StreamsBuilder: the topology and the step-name counter. */
export interface BuilderContext {
  readonly topology: Topology;
  /** `<kind>-<n>` for stateless steps the user did not name (stateful steps must be named). */
  nextName(kind: string): string;
}
