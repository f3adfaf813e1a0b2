import { type PublishedReading, readingKey } from './expected-readings.js';
import type { InfluxPoint } from './influx-points.js';

/** The readings' verdict: InfluxDB against what Mosquitto acknowledged, and the copies in Kafka. */
export interface ReadingsVerdict {
  /** Well-formed readings Mosquitto acknowledged. */
  acked: number;
  influx: {
    points: number;
    /** Acked readings with no point. */
    lost: number;
    /** (deviceId, ts) with more than one point (tags that differ). */
    doubled: number;
    /** Points whose values are not the published ones. */
    wrongValues: number;
    /** Points of the run's devices that no acked reading explains. */
    unexpected: number;
    /** The lost readings' keys (deviceId@ts). */
    lostKeys: string[];
    examples: string[];
  };
  kafka: {
    records: number;
    unique: number;
    /** Copies beyond the first (the at-least-once MQTT path). */
    duplicates: number;
    /** Acked readings not in Kafka at all. */
    missing: number;
    /** Records the check could not decode. */
    undecodable: number;
  };
}

export interface KafkaReading {
  deviceId: string;
  ts: number;
}

/**
 * Exactly once in InfluxDB: the set of (deviceId, ts) there equals the acked readings, one point
 * each, with the published values (InfluxDB overwrites an identical point, so a replayed write
 * cannot double it; two points for one reading would be two series). Kafka is counted apart.
 */
export function verifyReadings(
  acked: readonly PublishedReading[],
  points: readonly InfluxPoint[],
  kafka: ReadonlyArray<KafkaReading | undefined>,
): ReadingsVerdict {
  const expected = new Map(acked.map((r) => [readingKey(r.deviceId, r.ts), r]));
  const seen = new Map<string, number>();
  const examples: string[] = [];
  const example = (text: string) => {
    if (examples.length < 10) examples.push(text);
  };
  let wrongValues = 0;
  let unexpected = 0;
  for (const p of points) {
    const key = readingKey(p.deviceId, p.ts);
    seen.set(key, (seen.get(key) ?? 0) + 1);
    const want = expected.get(key);
    if (!want) {
      unexpected += 1;
      example(`unexpected point ${key} ${JSON.stringify(p.values)}`);
      continue;
    }
    const diff = valueDiff(p, want);
    if (diff) {
      wrongValues += 1;
      example(`wrong values ${key}: ${diff}`);
    }
  }
  const lostKeys: string[] = [];
  for (const [key] of expected)
    if (!seen.has(key)) {
      lostKeys.push(key);
      example(`lost ${key}`);
    }
  const doubled = [...seen.values()].filter((n) => n > 1).length;

  const copies = new Map<string, number>();
  let undecodable = 0;
  for (const r of kafka) {
    if (!r) {
      undecodable += 1;
      continue;
    }
    const key = readingKey(r.deviceId, r.ts);
    copies.set(key, (copies.get(key) ?? 0) + 1);
  }
  let missing = 0;
  for (const key of expected.keys()) if (!copies.has(key)) missing += 1;
  const records = kafka.length - undecodable;
  return {
    acked: acked.length,
    influx: { points: points.length, lost: lostKeys.length, doubled, wrongValues, unexpected, lostKeys, examples },
    kafka: { records, unique: copies.size, duplicates: records - copies.size, missing, undecodable },
  };
}

function valueDiff(p: InfluxPoint, want: PublishedReading): string {
  const diffs: string[] = [];
  if (p.site !== want.site) diffs.push(`site ${p.site} != ${want.site}`);
  const names = new Set([...Object.keys(p.values), ...Object.keys(want.values)]);
  for (const name of names)
    if (p.values[name] !== want.values[name]) diffs.push(`${name} ${p.values[name]} != ${want.values[name]}`);
  return diffs.join(', ');
}
