import { Counter } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { silentLogger } from './log.js';
import { runWorker } from './worker.js';

async function get(port: number, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text() };
}

describe('runWorker', () => {
  it('serves metrics, health and readiness, and stops cleanly', async () => {
    let stopCalls = 0;
    let setReady: (ready: boolean) => void = () => {};
    const handle = await runWorker({
      component: 'test-worker',
      port: 0,
      log: silentLogger(),
      start: async (ctx) => {
        const c = new Counter({ name: 'iotp_test_things_total', help: 'things', registers: [ctx.registry] });
        c.inc(3);
        setReady = ctx.setReady;
        return {
          stop: async () => {
            stopCalls += 1;
          },
        };
      },
    });
    expect((await get(handle.port, '/healthz')).status).toBe(200);
    expect((await get(handle.port, '/readyz')).status).toBe(503);
    setReady(true);
    expect((await get(handle.port, '/readyz')).status).toBe(200);
    const metrics = await get(handle.port, '/metrics');
    expect(metrics.body).toContain('iotp_test_things_total{component="test-worker"} 3');
    expect(metrics.body).toContain('process_cpu_user_seconds_total');
    expect((await get(handle.port, '/nope')).status).toBe(404);
    await handle.shutdown('test');
    await handle.stopped;
    expect(stopCalls).toBe(1);
    await expect(get(handle.port, '/healthz')).rejects.toThrow();
  });

  it('a shutdown during start waits for start, then stops what it started', async () => {
    let finishStart: () => void = () => {};
    let stopped = false;
    const started = runWorker({
      component: 'slow-start',
      port: 0,
      log: silentLogger(),
      start: async () => {
        await new Promise<void>((resolve) => {
          finishStart = resolve;
        });
        return {
          stop: async () => {
            stopped = true;
          },
        };
      },
    });
    await new Promise((r) => setTimeout(r, 20));
    process.emit('SIGTERM');
    finishStart();
    const handle = await started;
    await handle.stopped;
    expect(stopped).toBe(true);
  });

  it('reports a start failure and closes its server', async () => {
    await expect(
      runWorker({
        component: 'broken',
        port: 0,
        log: silentLogger(),
        start: async () => {
          throw new Error('no broker');
        },
      }),
    ).rejects.toThrow('no broker');
  });
});
