import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy of our own between a client and a real server, for cutting the path in tests:
 * `cut()` resets every open connection and refuses new ones; `restore()` accepts again. With
 * `delayMs`, everything the client sends reaches the server that much later (a slow link, in order).
 *
 * @example
 *   const proxy = await startTcpProxy({ targetPort: 19092 });
 *   proxy.cut(); await sleep(20_000); proxy.restore();
 */
export interface TcpProxy {
  readonly port: number;
  cut(): void;
  restore(): void;
  /** Connections accepted so far. */
  readonly accepted: number;
  close(): Promise<void>;
}

export async function startTcpProxy(options: {
  targetPort: number;
  targetHost?: string;
  port?: number;
  delayMs?: number;
}): Promise<TcpProxy> {
  const delayMs = options.delayMs ?? 0;
  const host = options.targetHost ?? '127.0.0.1';
  const open = new Set<Socket>();
  let up = true;
  let accepted = 0;
  const server: Server = createServer((client) => {
    if (!up) {
      client.resetAndDestroy();
      return;
    }
    accepted++;
    const upstream = connect({ host, port: options.targetPort });
    open.add(client);
    open.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    if (delayMs > 0)
      client.on('data', (chunk: Buffer) => {
        setTimeout(() => {
          if (!upstream.destroyed) upstream.write(chunk);
        }, delayMs);
      });
    else client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    cut() {
      up = false;
      for (const s of open) s.resetAndDestroy();
      open.clear();
    },
    restore() {
      up = true;
    },
    get accepted() {
      return accepted;
    },
    async close() {
      up = false;
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
