import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceTarget, RunningConnector } from './conformance-target.js';

export interface ConformanceOptions {
  /** Items of the batch and crash checks (default 2000). */
  items?: number;
  /** How long to wait for everything to arrive (default 120 s). */
  deliveryTimeoutMs?: number;
}

/**
 * The one conformance suite every connector passes (after Benthos' shared connector tests):
 * open/close (ready, healthy, clean SIGTERM exit 0, restart), batch (every item once, in order per
 * key), redelivery after a crash (SIGKILL mid-stream, restart: nothing lost, duplicates counted),
 * bad input (each bad item dead-lettered with its reason and raw bytes; the good ones around it
 * still arrive; the connector keeps running).
 *
 * @example
 *   // test/integration/mqtt-conformance.test.ts
 *   describeConnectorConformance(() => createMqttConformanceTarget(stackEnv()));
 */
export function describeConnectorConformance(
  makeTarget: () => ConformanceTarget,
  options: ConformanceOptions = {},
): void {
  const items = options.items ?? 2000;
  const timeoutMs = options.deliveryTimeoutMs ?? 120_000;
  const target = makeTarget();
  const running: RunningConnector[] = [];
  let seq = 0;
  const ids = (n: number, prefix: string) => Array.from({ length: n }, () => `${prefix}-${seq++}`);

  const deliveredOf = async (wanted: Set<string>) => (await target.delivered()).filter((d) => wanted.has(d.id));
  const waitDelivered = async (wanted: string[]): Promise<{ key: string; id: string }[]> => {
    const deadline = Date.now() + timeoutMs;
    const want = new Set(wanted);
    for (;;) {
      const got = await deliveredOf(want);
      if (new Set(got.map((d) => d.id)).size >= want.size || Date.now() > deadline) return got;
      await sleep(500);
    }
  };
  const idsOf = (got: { id: string }[]) => got.map((d) => d.id);
  const waitReady = async (c: RunningConnector) => {
    const deadline = Date.now() + 30_000;
    while (!(await c.ready())) {
      if (Date.now() > deadline) throw new Error(`${target.name}: not ready after 30 s`);
      await sleep(200);
    }
  };

  describe(`connector conformance: ${target.name}`, () => {
    beforeAll(() => target.setup(), 120_000);
    afterAll(async () => {
      for (const c of running) await c.kill9();
      await target.teardown();
    }, 60_000);

    it('open/close: ready and healthy, exits 0 on SIGTERM, starts again', async () => {
      const first = await target.start('conf-a');
      running.push(first);
      await waitReady(first);
      expect(await first.healthy()).toBe(true);
      expect(await first.stop()).toBe(0);
      const again = await target.start('conf-a');
      running.push(again);
      await waitReady(again);
      const batch = ids(10, 'open');
      await target.feed(batch);
      expect(new Set(idsOf(await waitDelivered(batch)))).toEqual(new Set(batch));
    });

    it('batch: every item arrives once, in order per key', { timeout: 300_000 }, async () => {
      const batch = ids(items, 'batch');
      await target.feed(batch);
      const got = await waitDelivered(batch);
      expect(new Set(idsOf(got)).size).toBe(batch.length);
      expect(got.length).toBe(batch.length); // no failure happened: no duplicate either
      expect(outOfOrderKeys(got, batch)).toEqual([]);
    });

    it('redelivery after a crash: SIGKILL mid-stream, restart: nothing lost', { timeout: 300_000 }, async () => {
      const current = running[running.length - 1] as RunningConnector;
      const batch = ids(items, 'crash');
      const feeding = target.feed(batch);
      // Crash once part of the batch has arrived.
      const deadline = Date.now() + timeoutMs;
      const want = new Set(batch);
      while ((await deliveredOf(want)).length < items / 5 && Date.now() < deadline) await sleep(100);
      await current.kill9();
      await feeding;
      const restarted = await target.start('conf-a');
      running.push(restarted);
      const got = idsOf(await waitDelivered(batch));
      const unique = new Set(got);
      console.info(
        `[conformance ${target.name}] crash: ${got.length} delivered, ${unique.size} unique of ${batch.length}, ${got.length - unique.size} duplicates`,
      );
      expect(batch.filter((id) => !unique.has(id))).toEqual([]);
    });

    it('bad input: dead-lettered with reason and raw bytes, the flow goes on, the connector stays up', async () => {
      const before = (await target.deadLetters()).length;
      const bad = await target.feedBad();
      const good = ids(5, 'after-bad');
      await target.feed(good);
      expect(new Set(idsOf(await waitDelivered(good)))).toEqual(new Set(good));
      const deadline = Date.now() + timeoutMs;
      let dead = (await target.deadLetters()).slice(before);
      while (dead.length < bad.length && Date.now() < deadline) {
        await sleep(300);
        dead = (await target.deadLetters()).slice(before);
      }
      expect(dead.map((d) => d.reason).sort()).toEqual(bad.map((b) => b.reason).sort());
      for (const b of bad) {
        const match = dead.find((d) => d.reason === b.reason && Buffer.compare(d.raw, b.raw) === 0);
        expect(match, `dead letter ${b.reason} with the raw bytes`).toBeDefined();
        for (const header of target.deadLetterHeaders)
          expect(match?.headers[header], `${b.reason}: header ${header}`).toBeDefined();
      }
      const current = running[running.length - 1] as RunningConnector;
      expect(await current.healthy()).toBe(true);
      expect(await current.ready()).toBe(true);
    });
  });
}

/** Keys whose items (first occurrences) did not arrive in the order they were fed. */
export function outOfOrderKeys(got: { key: string; id: string }[], fed: string[]): string[] {
  const rank = new Map(fed.map((id, i) => [id, i]));
  const last = new Map<string, number>();
  const seen = new Set<string>();
  const bad = new Set<string>();
  for (const { key, id } of got) {
    if (seen.has(id)) continue;
    seen.add(id);
    const r = rank.get(id) ?? -1;
    if (r < (last.get(key) ?? -1)) bad.add(key);
    last.set(key, r);
  }
  return [...bad];
}
