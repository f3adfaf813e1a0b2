import type { AnomalyInjector } from './anomaly-injector.js';
import type { Fleet, PublishUnit } from './fleet.js';
import type { TruthRecord } from './ground-truth.js';
import { breakField, cutJson, type ReadingPayload, readingPayload } from './payload.js';
import type { Schedule } from './schedule.js';

/** One MQTT message of the run. */
export interface SimMessage {
  /** Slot number in the schedule. */
  slot: number;
  unit: PublishUnit;
  /** `sensors/<site>/<deviceId or gatewayId>/<type>`. */
  topic: string;
  payload: string;
  /** Readings in the payload (1, or the leaves of a gateway batch that were not silent). */
  readings: number;
  /** Readings the pipeline must dead-letter (all of them when the text is cut). */
  malformed: number;
  /** Event time of the slot, epoch ms. */
  ts: number;
}

export interface MessageBuilderOptions {
  fleet: Fleet;
  /** Which unit, reading number and event time each slot is: the live Schedule or the history one. */
  schedule: Pick<Schedule, 'unitOf' | 'seqOf' | 'tsOf'>;
  seed: number;
  /** Start of the fleet's life (drift and counters measure from here), epoch ms. */
  originTs: number;
  injector: AnomalyInjector;
  onTruth(record: TruthRecord): void;
  /** First topic level (default `sensors`; benchmarks use another so no pipeline consumes their load). */
  topicRoot?: string;
}

/**
 * Turns schedule slots into MQTT messages: samples each device's model at the slot's event time,
 * lets the injector change or silence readings, breaks MALFORMED ones, and writes their truth.
 * Stateful through the injector: call `build` for slots in increasing order. With the same options,
 * the same slots give byte-identical messages (tests rebuild a run to compare).
 *
 * @example
 *   const b = createMessageBuilder({ fleet, schedule, seed, originTs, injector, onTruth });
 *   const m = b.build(0); // { topic: 'sensors/site-01/sim-000000/environment', payload: '{"deviceId":...}', ... }
 *   // undefined when the unit has nothing to send (a silent device)
 */
export interface MessageBuilder {
  build(slot: number): SimMessage | undefined;
}

export function createMessageBuilder(options: MessageBuilderOptions): MessageBuilder {
  const { fleet, schedule, seed, originTs, injector, onTruth } = options;
  const root = options.topicRoot ?? 'sensors';
  return {
    build(slot) {
      const unit = fleet.units[schedule.unitOf(slot)] as PublishUnit;
      const seq = schedule.seqOf(slot);
      const ts = schedule.tsOf(slot);
      const readings: ReadingPayload[] = [];
      const broken: TruthRecord[] = [];
      let cut = false;
      for (const device of unit.devices) {
        const values = device.model.sample({
          seed,
          deviceIndex: device.index,
          seq,
          ts,
          originTs,
          utcOffsetHours: device.utcOffsetHours,
          params: device.params,
        });
        const injection = injector.apply(device, seq, ts, values, originTs);
        if (!injection.publish) continue;
        const reading = readingPayload(device.deviceId, ts, values);
        readings.push(reading);
        if (!injection.malformed) continue;
        const { variant, field } = injection.malformed;
        if (variant === 'invalid-json') cut = true;
        else breakField(reading, variant, field);
        broken.push(truth(device.deviceId, unit, ts, field, variant));
      }
      if (readings.length === 0) return undefined;

      let payload = JSON.stringify(unit.gateway ? readings : readings[0]);
      let malformed = broken.length;
      if (cut) {
        payload = cutJson(payload);
        // A cut batch loses every reading in it: each one is a MALFORMED reading, listed once.
        const listed = new Set(broken.map((r) => r.deviceId));
        for (const r of broken)
          if (r.variant !== 'invalid-json') Object.assign(r, { variant: 'invalid-json', field: '' });
        for (const reading of readings)
          if (!listed.has(reading.deviceId as string))
            broken.push(truth(reading.deviceId as string, unit, ts, '', 'invalid-json'));
        malformed = readings.length;
      }
      for (const r of broken) onTruth(r);
      return {
        slot,
        unit,
        topic: `${root}/${unit.site}/${unit.clientId}/${unit.type}`,
        payload,
        readings: readings.length,
        malformed,
        ts,
      };
    },
  };
}

function truth(
  deviceId: string,
  unit: PublishUnit,
  ts: number,
  field: string,
  variant: TruthRecord['variant'],
): TruthRecord {
  const record: TruthRecord = {
    deviceId,
    site: unit.site,
    type: unit.type,
    field,
    kind: 'MALFORMED',
    startTs: ts,
    endTs: ts,
    readings: 1,
  };
  if (variant) record.variant = variant;
  if (unit.gateway) record.gatewayId = unit.clientId;
  return record;
}
