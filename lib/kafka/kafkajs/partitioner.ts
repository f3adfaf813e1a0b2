import { type ICustomPartitioner, type Message, Partitioners } from 'kafkajs';

/**
 * kafkajs' DefaultPartitioner (murmur2, as the Java client) that remembers each message's partition,
 * so the sender can give every record its own offset, and keeps that partition if kafkajs retries
 * (a key-less record keeps the partition its first attempt chose).
 */
export function recordingPartitioner(chosen: WeakMap<Message, number>): ICustomPartitioner {
  return () => {
    const inner = Partitioners.DefaultPartitioner();
    return (args) => {
      const previous = chosen.get(args.message);
      if (previous !== undefined && previous < args.partitionMetadata.length) return previous;
      const partition = inner(args);
      chosen.set(args.message, partition);
      return partition;
    };
  };
}
