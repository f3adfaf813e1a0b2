/**
 * Streaming anomaly detectors: pure, per series, bounded state (plain JSON for the simple ones, two
 * typed arrays for the combined one), event time only.
 * See types.ts for the `Detector` contract.
 */
export type { AlertPolicy, AlertPolicyState } from './alert-policy.js';
export { withAlertPolicy } from './alert-policy.js';
export type { CompositeChannel, CompositeState } from './composite.js';
export { compositeChannel, compositeDetector } from './composite.js';
export { decodeCompositeState, encodeCompositeState } from './composite-codec.js';
export type { CompositeConfig, CompositeConfigInput } from './composite-config.js';
export { compositeConfigSchema, parseCompositeConfig } from './composite-config.js';
export type { FieldRange } from './from-config.js';
export { fieldDetectors, heartbeatConfig } from './from-config.js';
export type { HeartbeatCheck, HeartbeatConfig, HeartbeatState, HeartbeatStatus } from './heartbeat.js';
export {
  DEFAULT_HEARTBEAT,
  heartbeatCheck,
  heartbeatInterval,
  heartbeatObserve,
  heartbeatPunctuate,
  heartbeatState,
  missingAnomaly,
} from './heartbeat.js';
export type { LevelShiftConfig, LevelShiftState } from './level-shift.js';
export { levelShift } from './level-shift.js';
export type { OutOfRangeConfig, OutOfRangeState } from './out-of-range.js';
export { outOfRange } from './out-of-range.js';
export type { SpikeDipConfig, SpikeDipState } from './spike-dip.js';
export { spikeDip } from './spike-dip.js';
export type { StuckConfig, StuckState } from './stuck.js';
export { stuckDetector } from './stuck.js';
export type { Anomaly, AnomalyKind, Detector, DetectorResult } from './types.js';
