import type { Type } from 'avsc';
import { toIotpError } from '../../lib/errors.js';
import type { ConsumedRecord } from '../../lib/kafka/types.js';
import type { AvroDecoder } from '../../lib/serde/index.js';
import type { SinkRejection } from './dead-letter.js';
import { encodePoint } from './line-protocol.js';
import type { MappingRule } from './mapping-rule.js';
import type { Point } from './point.js';
import { compileRecordMapper, type RecordMapper } from './record-mapper.js';

/** What became of one consumed record. */
export type MadePoints =
  | { kind: 'points'; points: Point[]; lines: string[] }
  /** A tombstone (null value) of a compacted topic: nothing to write. */
  | { kind: 'skip'; reason: 'tombstone' }
  | { kind: 'dead'; rejection: SinkRejection };

export interface PointMakerOptions {
  decoder: AvroDecoder<unknown>;
  /** The writer type of a schema id (the registry client caches them). */
  schemaOf(id: number): Promise<Type>;
  ruleFor(topic: string): MappingRule;
  /** Static tags on every point (record tags win). */
  staticTags?: Record<string, string>;
}

/**
 * Consumed record -> points and lines, or the reason it goes to the dead-letter topic. A retriable
 * failure (the registry is down) throws instead: the record is neither written nor dead-lettered.
 * Mappers are compiled once per (topic, schema id).
 *
 * @example
 *   const made = await maker.make(record);
 *   if (made.kind === 'dead') await dlq.send([deadLetterRecord(record, made.rejection, ...)]);
 */
export function createPointMaker(options: PointMakerOptions): { make(record: ConsumedRecord): Promise<MadePoints> } {
  const mappers = new Map<string, RecordMapper>();
  const staticTags = options.staticTags ?? {};

  const mapperFor = async (topic: string, schemaId: number): Promise<RecordMapper> => {
    const key = `${topic}\u0000${schemaId}`;
    let mapper = mappers.get(key);
    if (!mapper) {
      mapper = compileRecordMapper(await options.schemaOf(schemaId), options.ruleFor(topic));
      mappers.set(key, mapper);
    }
    return mapper;
  };

  return {
    async make(record) {
      if (record.value === null) return { kind: 'skip', reason: 'tombstone' };
      let decoded: { value: unknown; schemaId: number };
      try {
        decoded = await options.decoder.decode(record.value);
      } catch (error) {
        const e = toIotpError(error, 'SERDE_DECODE_FAILED');
        if (e.retriable) throw e;
        return { kind: 'dead', rejection: { reason: 'DESERIALIZATION_FAILED', code: e.code, message: e.message } };
      }
      try {
        const mapper = await mapperFor(record.topic, decoded.schemaId);
        const point = mapper.map(decoded.value, record.timestamp);
        if (Object.keys(staticTags).length > 0) point.tags = { ...staticTags, ...point.tags };
        return { kind: 'points', points: [point], lines: [encodePoint(point)] };
      } catch (error) {
        const e = toIotpError(error, 'SINK_MAP_FAILED');
        if (e.retriable) throw e;
        return { kind: 'dead', rejection: { reason: 'UNMAPPABLE', code: e.code, message: e.message } };
      }
    },
  };
}
