import { describe, expect, it } from 'vitest';
import { IotpError } from '../errors.js';
import { pipelineServers, ServerUnreachableError, unreachableServer, withServers } from './reach.js';

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:19092'), { code: 'ECONNREFUSED' });
const servers = pipelineServers({
  kafka: { brokers: ['127.0.0.1:19092'] },
  registry: { url: 'http://127.0.0.1:18081/apis/ccompat/v7' },
  source: { file: 'config/pipeline.yaml' },
} as never);

describe('a server that does not answer', () => {
  it('is told apart from other failures: which server, from the error', () => {
    const kafka = new IotpError('KAFKA_CLIENT_CONNECTION', 'admin.connect: Connection error: connect ECONNREFUSED', {
      cause: refused,
    });
    expect(unreachableServer(kafka)).toBe('kafka');
    expect(unreachableServer(new IotpError('KAFKA_CLIENT_NUMBER_OF_RETRIES_EXCEEDED', 'x'))).toBe('kafka');
    expect(unreachableServer(new IotpError('SERDE_REGISTRY_UNAVAILABLE', 'fetch failed', { context: {} }))).toBe(
      'registry',
    );
    expect(unreachableServer(new IotpError('SERDE_REGISTRY_UNAVAILABLE', '503', { context: { status: 503 } }))).toBe(
      undefined,
    );
    expect(unreachableServer(new IotpError('KAFKA_TOPIC_AUTHORIZATION_FAILED', 'no'))).toBe(undefined);
    expect(unreachableServer(new Error('boom'))).toBe(undefined);
  });

  it('is reported once, naming the server, its address, the config key and what to try', async () => {
    const kafka = new IotpError(
      'KAFKA_CLIENT_CONNECTION',
      'admin.connect: Connection error: connect ECONNREFUSED 127.0.0.1:19092',
      {
        cause: refused,
      },
    );
    const error = await withServers(servers, () => Promise.reject(kafka)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerUnreachableError);
    expect((error as Error).message).toBe(
      'cannot reach Kafka at 127.0.0.1:19092 (kafka.brokers in config/pipeline.yaml): connect ECONNREFUSED 127.0.0.1:19092. Is it running? For the local stack: `make stack-up` (and `iotp stack status` to see each server).',
    );
    const other = new IotpError('SCHEMA_INCOMPATIBLE', 'incompatible');
    await expect(withServers(servers, () => Promise.reject(other))).rejects.toBe(other);
  });
});
