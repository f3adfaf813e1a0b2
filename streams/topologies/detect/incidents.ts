import type { AnomalyRecord } from './anomaly-record.js';

/**
 * An open incident of one device field (field '' for MISSING: a silence of the device): the record
 * of its first alarm, when its latest alarm was, how many alarms it holds and its highest score.
 */
export interface Incident {
  first: AnomalyRecord;
  last: number;
  alarms: number;
  maxScore: number;
}

/** Open incidents of a device, by field. */
export type Incidents = Record<string, Incident>;

/**
 * Folds one alarm of a field into its incident: within `cooldownMs` (event time) of the
 * incident's latest alarm it joins the incident and nothing is emitted; otherwise the old incident
 * (if any) is closed and a new one opens. Returns the records to emit: at most a CLOSED and an OPEN.
 *
 * @example
 *   const out = foldAlarm(state.incidents, alarm, 300_000); // [OPEN] on a first alarm, [] within the cooldown
 */
export function foldAlarm(incidents: Incidents, alarm: AnomalyRecord, cooldownMs: number): AnomalyRecord[] {
  const open = incidents[alarm.field];
  if (open !== undefined && alarm.ts - open.last <= cooldownMs && alarm.ts >= open.first.ts) {
    open.last = Math.max(open.last, alarm.ts);
    open.alarms++;
    open.maxScore = Math.max(open.maxScore, alarm.score);
    return [];
  }
  const out = open === undefined ? [] : [closed(open)];
  incidents[alarm.field] = { first: alarm, last: alarm.ts, alarms: 1, maxScore: alarm.score };
  out.push({ ...alarm, status: 'OPEN', end: null, durationMs: 0, alarms: 1 });
  return out;
}

/**
 * Closes the incidents of the given fields whose latest alarm is more than `cooldownMs` before
 * `ts` (a reading without alarm on that field); returns their CLOSED records.
 */
export function closeQuiet(
  incidents: Incidents,
  fields: Iterable<string>,
  ts: number,
  cooldownMs: number,
): AnomalyRecord[] {
  const out: AnomalyRecord[] = [];
  for (const field of fields) {
    const open = incidents[field];
    if (open === undefined || ts - open.last <= cooldownMs) continue;
    out.push(closed(open));
    delete incidents[field];
  }
  return out;
}

/** Closes a field's incident at once, its end at `end` (a silence ends with the reading after it). */
export function closeNow(incidents: Incidents, field: string, end: number): AnomalyRecord[] {
  const open = incidents[field];
  if (open === undefined) return [];
  open.last = Math.max(open.last, end);
  delete incidents[field];
  return [closed(open)];
}

function closed(i: Incident): AnomalyRecord {
  return {
    ...i.first,
    score: i.maxScore,
    status: 'CLOSED',
    end: i.last,
    durationMs: Math.max(0, i.last - i.first.ts),
    alarms: i.alarms,
  };
}
