import type { PipelineConfig } from '../config/schema.js';
import { IotpError } from '../errors.js';

/** A server a command talks to, named the way an operator would look for it. */
export interface ServerRef {
  /** `Kafka`, `the schema registry`. */
  name: string;
  address: string;
  /** The config key that says where it is. */
  key: string;
  /** The config file that set it. */
  file?: string | undefined;
}

/** What to try when a server of the local stack does not answer. */
export const STACK_HINT =
  'Is it running? For the local stack: `make stack-up` (and `iotp stack status` to see each server).';

/**
 * The server could not be reached at all (refused, unknown host, timed out): not a bad request.
 * Its message says which server, at which address, which config key points there, and what to try.
 */
export class ServerUnreachableError extends IotpError {
  readonly server: ServerRef;
  constructor(server: ServerRef, cause: unknown) {
    const where = `${server.key}${server.file ? ` in ${server.file}` : ''}`;
    super(
      'SERVER_UNREACHABLE',
      `cannot reach ${server.name} at ${server.address} (${where}): ${rootMessage(cause)}. ${STACK_HINT}`,
      { cause, retriable: true, context: { server: server.name, address: server.address } },
    );
    this.name = 'ServerUnreachableError';
    this.server = server;
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ECONNRESET',
]);
const KAFKA_UNREACHABLE =
  /^KAFKA_CLIENT_(CONNECTION|NUMBER_OF_RETRIES_EXCEEDED|BROKER_NOT_FOUND|TRANSPORT|ALL_BROKERS_DOWN|TIMED_OUT|REQUEST_TIMEOUT)/;

function* chain(error: unknown): Generator<unknown> {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth++) {
    yield current;
    const next =
      (current as { cause?: unknown; originalError?: unknown }).cause ??
      (current as { originalError?: unknown }).originalError;
    if (next === current) return;
    current = next;
  }
}

/** The innermost message: `connect ECONNREFUSED 127.0.0.1:9`, not the wrappers' prefixes. */
function rootMessage(error: unknown): string {
  let last = '';
  for (const e of chain(error)) {
    const message = e instanceof Error ? e.message : typeof e === 'string' ? e : '';
    if (message) last = message;
  }
  return last.replace(/^.*?: (?=connect |getaddrinfo )/, '') || String(error);
}

/** Which of the servers an error says could not be reached, if any. */
export function unreachableServer(error: unknown): 'kafka' | 'registry' | undefined {
  const top = error as { code?: unknown };
  if (top instanceof IotpError) {
    if (top.code === 'SERDE_REGISTRY_UNAVAILABLE' && top.context.status === undefined) return 'registry';
    if (KAFKA_UNREACHABLE.test(top.code)) return 'kafka';
    if (!top.code.startsWith('KAFKA_') && !top.code.startsWith('SERDE_')) return undefined;
  }
  for (const e of chain(error)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code))
      return top instanceof IotpError && top.code.startsWith('SERDE_') ? 'registry' : 'kafka';
  }
  return undefined;
}

/** Kafka and the registry of a config, as `withServers` names them. */
export function pipelineServers(
  config: Pick<PipelineConfig, 'kafka' | 'registry'> & { source?: { file: string } },
  registryUrl?: string,
): Record<'kafka' | 'registry', ServerRef> {
  const file = config.source?.file;
  return {
    kafka: { name: 'Kafka', address: config.kafka.brokers.join(','), key: 'kafka.brokers', file },
    registry: { name: 'the schema registry', address: registryUrl ?? config.registry.url, key: 'registry.url', file },
  };
}

/**
 * Runs a command's work; a failure to reach Kafka or the registry becomes a ServerUnreachableError
 * that names the server, its address, the config key and what to try. Other errors pass as they are.
 *
 * @example
 *   await withServers(pipelineServers(config), () => admin.connect());
 *   // iotp: cannot reach Kafka at 127.0.0.1:19092 (kafka.brokers in config/pipeline.yaml): connect ECONNREFUSED 127.0.0.1:19092. Is it running? ...
 */
export async function withServers<T>(
  servers: Record<'kafka' | 'registry', ServerRef>,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const which = unreachableServer(error);
    if (which) throw new ServerUnreachableError(servers[which], error);
    throw error;
  }
}
