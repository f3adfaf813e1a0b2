import type { Type } from 'avsc';
import { toIotpError } from '../../lib/errors.js';
import type { ConsumedRecord } from '../../lib/kafka/types.js';
import { type AvroDecoder, decodeAvroBody, MAGIC_BYTE, WIRE_HEADER_LENGTH } from '../../lib/serde/index.js';
import type { SinkRejection } from './dead-letter.js';
import { DEVICE_TAGGED_KINDS, type DeviceTagsLookup, mergeTags } from './device-tags.js';
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
  /** Decodes with the writer's schema (no reader schema): the mappers are compiled for it. */
  decoder: AvroDecoder<unknown>;
  /** The writer type of a schema id (the registry client caches them). */
  schemaOf(id: number): Promise<Type>;
  ruleFor(topic: string): MappingRule;
  /** Static tags on every point (registry and record tags win). */
  staticTags?: Record<string, string>;
  /**
   * The device registry's tags of a device (`devices.enabled`), added to the points of readings,
   * window results and anomalies; the point's own tags win (device-tags.ts).
   */
  deviceTags?: DeviceTagsLookup;
}

export interface PointMaker {
  /**
   * Synchronous (no promise, no microtask) for a record of a (topic, schema id) already seen that
   * decodes and maps; a promise otherwise: the first record of a schema, and every failure, go
   * through the decoder and are classified there (dead letter, or a retriable throw).
   */
  make(record: ConsumedRecord): MadePoints | Promise<MadePoints>;
}

const TOMBSTONE: MadePoints = { kind: 'skip', reason: 'tombstone' };

/**
 * Consumed record -> points and lines, or the reason it goes to the dead-letter topic. A retriable
 * failure (the registry is down) throws instead: the record is neither written nor dead-lettered.
 * Mappers are compiled once per (topic, schema id).
 *
 * @example
 *   const made = await maker.make(record);
 *   if (made.kind === 'dead') await dlq.send([deadLetterRecord(record, made.rejection, ...)]);
 */
export function createPointMaker(options: PointMakerOptions): PointMaker {
  const mappers = new Map<string, RecordMapper>();
  /** Per topic, per schema id: the writer type and its mapper, once a record of them went through. */
  const known = new Map<string, Map<number, { type: Type; mapper: RecordMapper }>>();
  const staticTags = options.staticTags ?? {};
  const hasStaticTags = Object.keys(staticTags).length > 0;
  const deviceTags = options.deviceTags;

  /** Static and registry tags under the point's own. */
  const addTags = (point: Point, mapper: RecordMapper, record: ConsumedRecord): void => {
    const device =
      deviceTags && DEVICE_TAGGED_KINDS.has(mapper.rule.kind)
        ? deviceTags(point.tags.deviceId ?? record.key?.toString('utf8') ?? '')
        : undefined;
    if (device !== undefined || hasStaticTags) point.tags = mergeTags(point.tags, device, staticTags);
  };

  const mapperFor = async (topic: string, schemaId: number): Promise<RecordMapper> => {
    const key = `${topic}\u0000${schemaId}`;
    let mapper = mappers.get(key);
    if (!mapper) {
      const type = await options.schemaOf(schemaId);
      mapper = compileRecordMapper(type, options.ruleFor(topic));
      mappers.set(key, mapper);
      const byId = known.get(topic) ?? new Map<number, { type: Type; mapper: RecordMapper }>();
      known.set(topic, byId);
      byId.set(schemaId, { type, mapper });
    }
    return mapper;
  };

  /** The points of a record of a known schema, or undefined (the slow path then says why). */
  const quick = (record: ConsumedRecord, bytes: Buffer): MadePoints | undefined => {
    if (bytes.length < WIRE_HEADER_LENGTH || bytes[0] !== MAGIC_BYTE) return undefined;
    const plan = known.get(record.topic)?.get(bytes.readInt32BE(1));
    if (plan === undefined) return undefined;
    try {
      const value = decodeAvroBody(plan.type, bytes.subarray(WIRE_HEADER_LENGTH));
      const point = plan.mapper.map(value, record.timestamp);
      addTags(point, plan.mapper, record);
      return { kind: 'points', points: [point], lines: [encodePoint(point)] };
    } catch {
      return undefined;
    }
  };

  return {
    make(record) {
      if (record.value === null) return TOMBSTONE;
      return quick(record, record.value) ?? slow(record);
    },
  };

  async function slow(record: ConsumedRecord): Promise<MadePoints> {
    if (record.value === null) return TOMBSTONE;
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
      addTags(point, mapper, record);
      return { kind: 'points', points: [point], lines: [encodePoint(point)] };
    } catch (error) {
      const e = toIotpError(error, 'SINK_MAP_FAILED');
      if (e.retriable) throw e;
      return { kind: 'dead', rejection: { reason: 'UNMAPPABLE', code: e.code, message: e.message } };
    }
  }
}
