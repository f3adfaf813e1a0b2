/** Record headers as UTF-8 strings (the Kafka client seam decodes them so). */
export type Headers = Record<string, string>;

/**
 * One record flowing between steps: typed key and value, its event timestamp (ms) and headers.
 * Records are immutable: steps forward new ones.
 *
 * @example
 *   ctx.forward({ key: 'dev-1', value: 21.5, timestamp: 1_700_000_000_000, headers: {} });
 */
export interface StreamRecord<K, V> {
  readonly key: K;
  readonly value: V;
  readonly timestamp: number;
  readonly headers: Headers;
}

/** Where the record being processed was read from. */
export interface SourceMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** A record as read from Kafka (or piped into the test driver): raw bytes plus metadata. */
export interface RawRecord extends SourceMetadata {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: Headers;
}

/** A record ready to produce: bytes plus destination. */
export interface OutputRecord {
  readonly topic: string;
  /** Fixed partition (changelogs); omitted means the key's default partition. */
  readonly partition?: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: Headers;
}
