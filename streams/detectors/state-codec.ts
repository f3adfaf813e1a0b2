import { IotpError } from '../../lib/errors.js';
import type { VectorRing } from './stats/vector-ring.js';

interface PackedRing {
  $ring: { dim: number; capacity: number; count: number; head: number; f32: string };
}

function isVectorRing(value: unknown): value is VectorRing {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.dim === 'number' && Array.isArray(v.data) && Array.isArray(v.means) && Array.isArray(v.order);
}

function pack(ring: VectorRing): PackedRing {
  const used = ring.count * ring.dim;
  const f32 = new Float32Array(used);
  for (let i = 0; i < used; i++) f32[i] = ring.data[i] as number;
  return {
    $ring: {
      dim: ring.dim,
      capacity: ring.capacity,
      count: ring.count,
      head: ring.head,
      f32: Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength).toString('base64'),
    },
  };
}

function unpack({ $ring: p }: PackedRing): VectorRing {
  const bytes = Buffer.from(p.f32, 'base64');
  const f32 = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  if (f32.length !== p.count * p.dim) {
    throw new IotpError(
      'DETECTOR_STATE_CORRUPT',
      `vector ring holds ${f32.length} numbers, expected ${p.count * p.dim}`,
    );
  }
  const data = Array.from(f32);
  const means: number[] = [];
  for (let slot = 0; slot < p.count; slot++) {
    let sum = 0;
    for (let k = 0; k < p.dim; k++) sum += data[slot * p.dim + k] as number;
    means.push(sum / p.dim);
  }
  // Any order by mean gives the same nearest neighbours (ties included), so a plain sort will do.
  const order = means.map((_, slot) => slot).sort((a, b) => (means[a] as number) - (means[b] as number));
  return { dim: p.dim, capacity: p.capacity, data, means, order, count: p.count, head: p.head };
}

/**
 * Serialises a detector state for a keyed store: JSON, with every vector memory packed as float32
 * bytes (its values are stored at that precision, so nothing is lost) and its derived indexes
 * dropped; about a third of plain JSON. {@link decodeDetectorState} restores a state that scores
 * exactly as the original would.
 *
 * @example
 *   store.put(key, encodeDetectorState(state));
 *   const state = decodeDetectorState<CompositeState>(store.get(key));
 */
export function encodeDetectorState(state: unknown): Uint8Array {
  const text = JSON.stringify(state, (_key, value: unknown) => (isVectorRing(value) ? pack(value) : value));
  return new TextEncoder().encode(text);
}

export function decodeDetectorState<S>(bytes: Uint8Array): S {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes), (_key, value: unknown) =>
      value !== null && typeof value === 'object' && '$ring' in value ? unpack(value as PackedRing) : value,
    );
  } catch (cause) {
    if (cause instanceof IotpError) throw cause;
    throw new IotpError('DETECTOR_STATE_CORRUPT', 'detector state is not valid JSON', { cause });
  }
  return parsed as S;
}
