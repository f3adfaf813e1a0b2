import type { CommandStats } from './command-responder.js';
/**
 * The history phase of a run (`--history`): every device's readings of the past, published round
 * by round as fast as the broker acked them.
 *
 * @example
 *   { "startTs": 1732284000000, "endTs": 1732370400000, "requestedMs": 86400000, "intervalMs": 60000,
 *     "rounds": 1441, "readings": { "due": 144100, "sent": 143950, "acked": 143950, "malformed": 12 }, ... }
 */
export interface HistorySummary {
  /** Event time of the first and of the last round published, epoch ms. */
  startTs: number;
  endTs: number;
  /** The span asked for (`--history`), ms. The rounds go on until the wall clock (catching up with now). */
  requestedMs: number;
  /** Event time between two readings of one device (`--interval`), ms. */
  intervalMs: number;
  rounds: number;
  readings: { due: number; sent: number; acked: number; malformed: number };
  messages: { sent: number; acked: number };
  errors: number;
  firstError?: string;
  elapsedMs: number;
  /** Readings acked per second of the history phase. */
  achievedRate: number;
  /** Event time from the last history round to the first live reading, ms (about one interval or less). */
  gapMs: number;
  /** False when the history stopped at its round limit before catching up with the wall clock. */
  caughtUp: boolean;
}

/** The live phase: today's paced run (`--rate`, `--duration`), continuing every device's series. */
export interface LiveSummary {
  /** Event time of the first and of the last slot built, epoch ms. */
  startTs: number;
  endTs: number;
  /** Event time between two readings of one device (devices / rate), ms. */
  intervalMs: number;
  readings: { due: number; sent: number; acked: number; malformed: number };
  messages: { sent: number; acked: number };
  errors: number;
}

/**
 * What a run did. `readings.acked` is what the broker took (QoS 1: PUBACKed; QoS 0: written to
 * the socket); `anomalies` counts ground-truth records by kind. `readings`, `messages`, `errors`,
 * `anomalies` and `startTs`..`endTs` cover the whole run (history and live); `rate`, `durationS`,
 * `achievedRate`, `elapsedMs` and `maxBehind` the live part; `history` and `live` each phase.
 *
 * @example
 *   { "devices": 5000, "rate": 2500, "achievedRate": 2498.7, "readings": { "sent": 150000, "acked": 150000, ... } }
 */
export interface SimulationSummary {
  devices: number;
  units: number;
  gateways: number;
  sites: number;
  types: string[];
  clients: number;
  qos: 0 | 1;
  seed: number;
  rate: number;
  durationS: number;
  /** Event time of the first reading (the history's first round, if any) and of the last slot built, epoch ms. */
  startTs: number;
  endTs: number;
  elapsedMs: number;
  /** Readings acked per second of the live phase. */
  achievedRate: number;
  messages: { sent: number; acked: number };
  readings: { due: number; sent: number; acked: number; malformed: number };
  errors: number;
  firstError?: string;
  maxBehind: number;
  reconnects: number;
  /** Ground truth written, by kind; `history` and `live` split it by where each anomaly started. */
  anomalies: {
    total: number;
    byKind: Record<string, number>;
    history?: Record<string, number>;
    live?: Record<string, number>;
  };
  truthFile?: string;
  connectMs: number;
  credentials?: { users: number; ms: number; loginReadyMs: number };
  statusMessages: number;
  /** With --answer-commands: what the devices received and answered. */
  commands?: CommandStats;
  history?: HistorySummary;
  live?: LiveSummary;
}
