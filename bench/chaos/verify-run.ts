import type { InfluxAccess } from '../../demo/collect.js';
import { type LoadedPipelineConfig, windowName, windowTopic } from '../../lib/config/index.js';
import type { Admin, KafkaClient } from '../../lib/kafka/types.js';
import { createAvroDecoder } from '../../lib/serde/decoder.js';
import type { SchemaRegistryClient } from '../../lib/serde/index.js';
import { type PublishedReading, readingKey } from './expected-readings.js';
import { influxPoints } from './influx-points.js';
import { runRecords, type StartOffsets } from './run-records.js';
import { type AnomaliesVerdict, type AnomalyIdentity, verifyAnomalies } from './verify-anomalies.js';
import { type KafkaReading, type ReadingsVerdict, verifyReadings } from './verify-readings.js';
import { type GotResult, verifyWindowStep, type WindowStep, type WindowStepVerdict } from './verify-windows.js';

export interface RunVerdicts {
  readings: ReadingsVerdict;
  windows: WindowStepVerdict[];
  anomalies: AnomaliesVerdict;
  /** Dead letters of the run's devices by error.reason (MALFORMED readings are expected here). */
  deadLetters: Record<string, number>;
  /** Window steps the reference cannot check (hopping windows). */
  skippedSteps: string[];
}

export interface VerifyInputs {
  config: LoadedPipelineConfig;
  client: KafkaClient;
  admin: Admin;
  registry: SchemaRegistryClient;
  influx: InfluxAccess;
  from: StartOffsets;
  devicePrefix: string;
  acked: readonly PublishedReading[];
  /** Stream time every partition reached (window ends + grace at or before it must have results). */
  closedBefore: number;
  say(text: string): void;
}

/** Reads what the run left in Kafka and InfluxDB and checks it against the acked readings. */
export async function verifyRun(v: VerifyInputs): Promise<RunVerdicts> {
  const { config, client, admin, devicePrefix } = v;
  const decoder = createAvroDecoder<Record<string, unknown>>({ registry: v.registry });
  const read = (topic: string) => runRecords(client, admin, decoder, topic, v.from, devicePrefix);

  v.say('reading the run back: reading topics');
  const kafkaReadings: Array<KafkaReading | undefined> = [];
  for (const route of config.readingRoutes)
    for (const r of await read(route.topic))
      kafkaReadings.push(r.value ? { deviceId: String(r.value.deviceId), ts: Number(r.value.ts) } : undefined);
  const kafkaCopies = new Map<string, number>();
  for (const r of kafkaReadings)
    if (r) kafkaCopies.set(readingKey(r.deviceId, r.ts), (kafkaCopies.get(readingKey(r.deviceId, r.ts)) ?? 0) + 1);

  v.say('reading the run back: InfluxDB');
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const r of v.acked) {
    from = Math.min(from, r.ts - 3_600_000);
    to = Math.max(to, r.ts + 3_600_000);
  }
  const points = [];
  for (const route of config.readingRoutes)
    for (const p of await influxPoints(v.influx, route.type, devicePrefix, from, to)) points.push(p);
  const readings = verifyReadings(v.acked, points, kafkaReadings);

  v.say('reading the run back: late records, window results');
  const late = new Map<string, Map<string, number>>();
  for (const r of await read(config.streams.lateTopic)) {
    const step = r.record.headers['late.step'] ?? '?';
    if (!r.value) continue;
    const key = readingKey(String(r.value.deviceId), Number(r.value.ts));
    const perStep = late.get(step) ?? new Map<string, number>();
    perStep.set(key, (perStep.get(key) ?? 0) + 1);
    late.set(step, perStep);
  }
  const windows: WindowStepVerdict[] = [];
  const skippedSteps: string[] = [];
  for (const route of config.readingRoutes)
    for (const w of config.streams.windows) {
      const step: WindowStep = {
        step: `${route.type}-${windowName(w)}`,
        type: route.type,
        sizeMs: w.size,
        graceMs: w.grace,
      };
      if (w.hop !== undefined && w.hop !== w.size) {
        skippedSteps.push(step.step);
        continue;
      }
      const results: GotResult[] = [];
      for (const r of await read(windowTopic(route.topic, w)))
        if (r.value) results.push(r.value as unknown as GotResult);
      windows.push(
        verifyWindowStep(step, results, {
          acked: v.acked,
          kafkaCopies,
          late,
          closedBefore: v.closedBefore,
          dedupe: config.streams.dedupe,
        }),
      );
    }

  v.say('reading the run back: anomalies, dead letters');
  const anomalies = verifyAnomalies(
    (await read(config.kafka.topics.anomalies)).flatMap((r) =>
      r.value ? [r.value as unknown as AnomalyIdentity] : [],
    ),
  );
  const deadLetters: Record<string, number> = {};
  for (const r of await read(config.kafka.topics.dlq)) {
    const reason = r.record.headers['error.reason'] ?? 'unknown';
    deadLetters[reason] = (deadLetters[reason] ?? 0) + 1;
  }
  return { readings, windows, anomalies, deadLetters, skippedSteps };
}
