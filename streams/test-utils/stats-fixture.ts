import type { Admin, KafkaClient, Producer } from '../../lib/kafka/types.js';
import { kafkaClientFromEnv } from '../../test/helpers/kafka.js';
import { stackEnv, uniqueName } from '../../test/helpers/stack.js';
import type { ReferenceInput } from './stats-reference.js';

/** A stats test's own input and output topics on the local stack, and a client for its checks. */
export interface StatsTopics {
  env: Record<string, string>;
  client: KafkaClient;
  admin: Admin;
  /** Application id; every topic of the test starts with it. */
  app: string;
  input: string;
  output: string;
}

/**
 * Creates `<app>.in` and `<app>.out` with `partitions` partitions and registers the cleanup on the
 * test: first `before` (stop the test's workers), then every topic starting with the app id.
 *
 * @example
 *   const { client, admin, app, input, output } = await statsTopics('eos', 3, onTestFinished, () => killAll());
 */
export async function statsTopics(
  name: string,
  partitions: number,
  onTestFinished: (fn: () => Promise<void>) => void,
  before: () => Promise<void> = async () => undefined,
): Promise<StatsTopics> {
  const env = stackEnv();
  const app = uniqueName(name);
  const client = kafkaClientFromEnv(env, `${app}-test`);
  const admin = client.admin();
  await admin.connect();
  onTestFinished(async () => {
    await before();
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(app));
    await admin.deleteTopics(mine).catch(() => undefined);
    await admin.disconnect();
  });
  const input = `${app}.in`;
  const output = `${app}.out`;
  await admin.createTopics([
    { topic: input, partitions },
    { topic: output, partitions },
  ]);
  return { env, client, admin, app, input, output };
}

/**
 * An event-time origin an hour before now, on a minute boundary. Test data must be recent: the
 * broker rolls a segment on each append whose timestamps are older than segment.ms and deletes
 * segments older than retention.ms (7 days), so old event times vanish from a topic mid-test.
 */
export function recentStart(): number {
  return Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;
}

/**
 * Deterministic readings: `devices` keys, each on partition `hash % partitions`, timestamps rising
 * by `stepMs` per record with jitter of up to `jitterMs` back (out of order but in grace if
 * jitter <= grace), integer values.
 */
export function makeReadings(options: {
  count: number;
  devices: number;
  partitions: number;
  startMs: number;
  stepMs: number;
  jitterMs?: number;
  seed?: number;
}): ReferenceInput[] {
  let seed = options.seed ?? 42;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const out: ReferenceInput[] = [];
  for (let i = 0; i < options.count; i++) {
    const d = Math.floor(rand() * options.devices);
    const jitter = Math.floor(rand() * (options.jitterMs ?? 0));
    out.push({
      partition: d % options.partitions,
      key: `dev-${d}`,
      value: Math.floor(rand() * 1000) - 500,
      timestamp: options.startMs + i * options.stepMs - jitter,
    });
  }
  return out;
}

/** Sends readings as JSON `{ value }` with explicit partitions, in order, in chunks. */
export async function produceReadings(
  producer: Producer,
  topic: string,
  readings: readonly ReferenceInput[],
  chunk = 500,
): Promise<void> {
  for (let i = 0; i < readings.length; i += chunk) {
    await producer.send(
      readings.slice(i, i + chunk).map((r) => ({
        topic,
        partition: r.partition,
        key: r.key,
        value: Buffer.from(JSON.stringify({ value: r.value })),
        timestamp: r.timestamp,
      })),
    );
  }
}
