import { IotpError } from '../lib/errors.js';
import { ANOMALY_KINDS, type AnomalyKind, type MalformedVariant } from './anomaly-kinds.js';

/**
 * One injected anomaly, as a line of the `--truth` file (JSON lines), so tests and benchmarks can
 * score what the pipeline found. `startTs`..`endTs` are the event times (epoch ms, inclusive) of the
 * first and last affected reading: for MISSING the readings that were due and not sent. Fields
 * after `readings` are optional (added over time; readers must not require them).
 *
 * @example
 *   {"deviceId":"sim-000042","site":"site-03","type":"environment","field":"temperature","kind":"SPIKE",
 *    "startTs":1732370400000,"endTs":1732370400000,"readings":1,"expected":21.4,"value":33.87}
 */
export interface TruthRecord {
  deviceId: string;
  site: string;
  type: string;
  /** The field; '' for MISSING and for invalid-json (the whole payload). */
  field: string;
  kind: AnomalyKind;
  startTs: number;
  endTs: number;
  /** Readings affected (published with the anomaly, or for MISSING not published). */
  readings: number;
  /** MALFORMED only. */
  variant?: MalformedVariant;
  /** SPIKE/DIP: the value the model gave and the value published. STUCK: the frozen value. */
  expected?: number;
  value?: number;
  /** LEVEL_SHIFT: the offset added, in the field's unit. DRIFT: the offset its last reading reached. */
  offset?: number;
  /** The device field's usual noise (standard deviation, field unit) the anomaly was sized against. */
  sigma?: number;
  /** The device field's normal range over the 24 h before startTs (noise-free), field unit. */
  dailyLow?: number;
  dailyHigh?: number;
  /** NOISE_BURST: the noise is this many times the device field's usual `sigma`. */
  noiseFactor?: number;
  /** Time between two readings of the device when the anomaly started (history and live differ), ms. */
  intervalMs?: number;
  /** The gateway that published the reading (gateway mode). */
  gatewayId?: string;
  /** The run ended before the anomaly did: endTs is the last affected reading sent. */
  clipped?: boolean;
}

export function truthLine(record: TruthRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/** Parses a truth file's text; a bad line is an IotpError naming the line number. */
export function parseTruthLines(text: string): TruthRecord[] {
  const out: TruthRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (cause) {
      throw new IotpError('SIM_TRUTH_INVALID', `truth line ${i + 1} is not JSON`, { cause, context: { line: i + 1 } });
    }
    const r = value as Partial<TruthRecord>;
    if (
      typeof r.deviceId !== 'string' ||
      typeof r.field !== 'string' ||
      !ANOMALY_KINDS.includes(r.kind as AnomalyKind) ||
      typeof r.startTs !== 'number' ||
      typeof r.endTs !== 'number'
    )
      throw new IotpError(
        'SIM_TRUTH_INVALID',
        `truth line ${i + 1} lacks deviceId/field/kind/startTs/endTs: ${line.slice(0, 200)}`,
        { context: { line: i + 1 } },
      );
    out.push(r as TruthRecord);
  }
  return out;
}
