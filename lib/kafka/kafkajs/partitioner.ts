import { type ICustomPartitioner, type Message, Partitioners } from 'kafkajs';
import { murmur2 } from '../murmur2.js';

/**
 * kafkajs' DefaultPartitioner (murmur2, as the Java client) that remembers each message's partition,
 * so the sender can give every record its own offset, and keeps that partition if kafkajs retries
 * (a key-less record keeps the partition its first attempt chose).
 */
export function recordingPartitioner(chosen: WeakMap<Message, number>): ICustomPartitioner {
  return () => {
    const inner = Partitioners.DefaultPartitioner();
    return (args) => {
      const { message, partitionMetadata } = args;
      const previous = chosen.get(message);
      if (previous !== undefined && previous < partitionMetadata.length) return previous;
      // A keyed record: the same partition as kafkajs' murmur2 (tested), in 32-bit arithmetic
      // instead of its Long objects, and without its per-message filter of the partition list.
      const partition =
        (message.partition === null || message.partition === undefined) &&
        message.key !== null &&
        message.key !== undefined
          ? (murmur2(Buffer.isBuffer(message.key) ? message.key : Buffer.from(String(message.key))) & 0x7fffffff) %
            partitionMetadata.length
          : inner(args);
      chosen.set(message, partition);
      return partition;
    };
  };
}
