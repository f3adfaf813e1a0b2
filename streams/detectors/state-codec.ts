import { IotpError } from '../../lib/errors.js';
import type { CompositeState } from './composite.js';
import {
  decodeCompositeState,
  encodeCompositeState,
  isCompositeState,
  isEncodedCompositeState,
} from './composite-codec.js';

interface PackedComposite {
  $combined: string;
}

function isPackedComposite(value: unknown): value is PackedComposite {
  return value !== null && typeof value === 'object' && typeof (value as PackedComposite).$combined === 'string';
}

/**
 * Serialises a detector state for a keyed store. A combined-detector state on its own becomes its
 * binary form (`composite-codec.ts`); anything else (the simple detectors' plain-JSON states, or an
 * object holding several states, like the detect topology's device state) becomes JSON, with every
 * combined-detector state inside it packed as `{"$combined": "<base64 of its binary form>"}`.
 * {@link decodeDetectorState} restores a state that scores exactly as the original would.
 *
 * A `{"$ring": ...}` memory of the former combined detector (plain-JSON vector rings) is read back
 * as it is; the combined detector does not recognise it and starts that series over.
 *
 * @example
 *   store.put(key, encodeDetectorState(state));
 *   const state = decodeDetectorState<CompositeState>(store.get(key));
 */
export function encodeDetectorState(state: unknown): Uint8Array {
  if (isCompositeState(state)) return encodeCompositeState(state);
  const text = JSON.stringify(state, (_key, value: unknown) =>
    isCompositeState(value) ? { $combined: Buffer.from(encodeCompositeState(value)).toString('base64') } : value,
  );
  return new TextEncoder().encode(text);
}

export function decodeDetectorState<S>(bytes: Uint8Array): S {
  if (isEncodedCompositeState(bytes)) return decodeCompositeState(bytes) as S;
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes), (_key, value: unknown) =>
      isPackedComposite(value) ? unpack(value) : value,
    );
  } catch (cause) {
    if (cause instanceof IotpError) throw cause;
    throw new IotpError('DETECTOR_STATE_CORRUPT', 'detector state is not valid JSON', { cause });
  }
  return parsed as S;
}

function unpack(value: PackedComposite): CompositeState {
  const bytes = Buffer.from(value.$combined, 'base64');
  return decodeCompositeState(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}
