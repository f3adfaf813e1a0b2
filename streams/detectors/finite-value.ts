import { IotpError } from '../../lib/errors.js';

/**
 * Detectors take finite numbers only: NaN or ±Infinity is a coded, non-retriable error for the
 * caller to dead-letter, never silently folded into a model.
 */
export function assertFiniteValue(value: number, detector: string): void {
  if (!Number.isFinite(value)) {
    throw new IotpError('DETECTOR_BAD_VALUE', `${detector}: expected a finite number, got ${value}`, {
      context: { detector },
    });
  }
}
