import { createRequire } from 'node:module';
import type * as Rdkafka from 'node-rdkafka';
import { IotpError } from '../../errors.js';
import { KafkaErrorCodes } from '../kafka-error.js';

export type RdkafkaModule = typeof Rdkafka;

const require = createRequire(import.meta.url);
let cached: RdkafkaModule | undefined;

/** node-rdkafka is an optional native dependency: load it only when the rdkafka backend is used. */
export function loadRdkafka(): RdkafkaModule {
  if (cached) return cached;
  try {
    cached = require('node-rdkafka') as RdkafkaModule;
    return cached;
  } catch (e) {
    throw new IotpError(
      KafkaErrorCodes.BACKEND_UNAVAILABLE,
      'node-rdkafka is not installed or not built (it builds librdkafka from source: apt-get install libssl-dev zlib1g-dev, then npm rebuild node-rdkafka); or set KAFKA_BACKEND=kafkajs',
      { cause: e, context: { backend: 'rdkafka' } },
    );
  }
}

/** librdkafka's error code for a name such as 'ERR__FENCED'. */
export function rdkafkaCode(name: string): number {
  const code = (loadRdkafka().CODES.ERRORS as Record<string, number>)[name];
  if (code === undefined) throw new IotpError(KafkaErrorCodes.BACKEND_UNAVAILABLE, `librdkafka has no error ${name}`);
  return code;
}
