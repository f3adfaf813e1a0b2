/**
 * What a connector offers the conformance suite: a way to run it as a real process, to feed its
 * source, and to read what reached its destination and its dead-letter topic. One implementation
 * per connector (the MQTT source: connectors/mqtt-source/test-support/conformance-target.ts).
 *
 * Items are identified by a string id the target embeds in what it feeds and recovers from what
 * arrives (e.g. deviceId + sequence number carried as event time).
 *
 * @example
 *   describeConnectorConformance('mqtt-source', () => createMqttConformanceTarget(stackEnv()));
 */
export interface ConformanceTarget {
  readonly name: string;
  /** Creates what the run needs (topics, users...). */
  setup(): Promise<void>;
  /** Removes it. */
  teardown(): Promise<void>;
  /** Starts one replica as a child process (so it can be killed with SIGKILL). */
  start(replica: string): Promise<RunningConnector>;
  /** Good items with these ids, fed in order to the connector's source. */
  feed(ids: string[]): Promise<void>;
  /** Bad inputs, each with the dead-letter reason the connector must give, fed in order. */
  feedBad(): Promise<{ reason: string; raw: Buffer }[]>;
  /** Items found at the destination with their key, in arrival order per key, duplicates included. */
  delivered(): Promise<{ key: string; id: string }[]>;
  /** Dead letters found so far: reason and the raw bytes kept. */
  deadLetters(): Promise<{ reason: string; raw: Buffer; headers: Record<string, string> }[]>;
  /** Header names every dead letter must carry. */
  readonly deadLetterHeaders: readonly string[];
}

export interface RunningConnector {
  /** GET /readyz answered 200. */
  ready(): Promise<boolean>;
  /** GET /healthz answered 200. */
  healthy(): Promise<boolean>;
  /** SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: no shutdown code runs. */
  kill9(): Promise<void>;
}
