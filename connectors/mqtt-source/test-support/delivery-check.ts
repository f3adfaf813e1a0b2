import type { ConsumedRecord } from '../../../lib/kafka/types.js';

/** What arrived in Kafka compared to what was published: losses, duplicates, per-device order. */
export interface DeliveryReport {
  expected: number;
  records: number;
  unique: number;
  duplicates: number;
  missing: string[];
  /** Devices whose first occurrences are not in publish order. */
  outOfOrder: string[];
}

/**
 * Checks records keyed on deviceId with timestamp = event time = `base + seq` against `perDevice`
 * sequence numbers per device. Order is checked on first occurrences (a redelivered message may
 * be written again later: that is a duplicate, not a reordering).
 */
export function checkDelivery(
  records: ConsumedRecord[],
  devices: string[],
  perDevice: number,
  base: number,
): DeliveryReport {
  const seen = new Map<string, number[]>();
  for (const r of records) {
    const device = r.key?.toString() ?? '';
    const list = seen.get(device) ?? [];
    list.push(r.timestamp - base);
    seen.set(device, list);
  }
  const missing: string[] = [];
  const outOfOrder: string[] = [];
  let unique = 0;
  for (const device of devices) {
    const list = seen.get(device) ?? [];
    const first: number[] = [];
    const set = new Set<number>();
    for (const seq of list) {
      if (set.has(seq)) continue;
      set.add(seq);
      first.push(seq);
    }
    unique += set.size;
    for (let seq = 0; seq < perDevice; seq++) if (!set.has(seq)) missing.push(`${device}#${seq}`);
    if (first.some((seq, i) => i > 0 && seq < (first[i - 1] as number))) outOfOrder.push(device);
  }
  return {
    expected: devices.length * perDevice,
    records: records.length,
    unique,
    duplicates: records.length - unique,
    missing,
    outOfOrder,
  };
}
