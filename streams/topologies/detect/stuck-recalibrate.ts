import type { Command } from '../../../schemas/generated/command.js';
import type { Processor, ProcessorContext } from '../../runtime/processor/processor.js';
import type { StreamRecord } from '../../runtime/record.js';
import type { AnomalyRecord } from './anomaly-record.js';

/** The example rule of `commands.stuckRecalibrate`: which command, and how long it stays valid. */
export interface StuckRecalibrateRule {
  command: string;
  /** The command expires this long after the anomaly's event time (a replayed history's is expired at once). */
  expiryMs: number;
}

/** Step name of the rule in the detect topology. */
export const STUCK_RECALIBRATE_STEP = 'stuck-recalibrate';

/**
 * The command a STUCK incident asks for: when it opens (not when it closes), one command to the
 * device naming the stuck type and field. The correlation id is made of the incident's identity,
 * so a re-run of the same input (at-least-once streams, or a replay) issues the same id and the
 * device can tell it already did it.
 *
 * @example
 *   stuckCommand({ deviceId: 'd1', kind: 'STUCK', status: 'OPEN', type: 'environment', field: 'temperature', ts: 1000, ... },
 *     { command: 'recalibrate', expiryMs: 600_000 });
 *   // { deviceId: 'd1', name: 'recalibrate', payload: '{"type":"environment","field":"temperature"}',
 *   //   expiry: 601000, correlationId: 'stuck-d1-environment-temperature-1000', ts: 1000, source: 'streams/detect' }
 */
export function stuckCommand(anomaly: AnomalyRecord, rule: StuckRecalibrateRule): Command | undefined {
  if (anomaly.kind !== 'STUCK' || anomaly.status !== 'OPEN') return undefined;
  return {
    deviceId: anomaly.deviceId,
    name: rule.command,
    payload: JSON.stringify({ type: anomaly.type, field: anomaly.field }),
    expiry: anomaly.ts + rule.expiryMs,
    correlationId: `stuck-${anomaly.deviceId}-${anomaly.type}-${anomaly.field}-${anomaly.ts}`,
    ts: anomaly.ts,
    source: 'streams/detect',
  };
}

/** The rule as a topology step after `detect`: anomalies in, commands (keyed by deviceId) out. */
export class StuckRecalibrateProcessor implements Processor<string, AnomalyRecord, string, Command> {
  private ctx: ProcessorContext<string, Command> | undefined;

  constructor(private readonly rule: StuckRecalibrateRule) {}

  init(context: ProcessorContext<string, Command>): void {
    this.ctx = context;
  }

  process(record: StreamRecord<string, AnomalyRecord>): void {
    const command = stuckCommand(record.value, this.rule);
    if (command) this.ctx?.forward({ key: command.deviceId, value: command, timestamp: record.timestamp, headers: {} });
  }
}
