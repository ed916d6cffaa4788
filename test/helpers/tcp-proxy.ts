import net from 'node:net';

export interface TcpProxy {
  port: number;
  url(scheme: string): string;
  /** Simulates the backend going away: open connections are cut and new ones refused. */
  stop(): Promise<void>;
  /** The backend is back on the same address. */
  start(): Promise<void>;
  /**
   * Simulates a backend that hangs: connections stay open and new ones are accepted, but nothing is
   * forwarded either way and no connection is ever closed by the proxy, until `close`.
   */
  freeze(): void;
  close(): Promise<void>;
}

/** A loopback TCP proxy, so a test can take Redis or Postgres "down" for one server only. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  let frozen = false;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      // Half-open allowed: a frozen backend never answers a client's FIN with its own.
      const srv = net.createServer({ allowHalfOpen: true }, (client) => {
        sockets.add(client);
        if (frozen) {
          // Accepted, never answered; the client's own FIN is left unanswered too.
          client.on('error', () => sockets.delete(client));
          return;
        }
        const upstream = net.connect(target);
        sockets.add(upstream);
        const drop = () => {
          if (frozen) return;
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
        client.on('end', () => frozen || upstream.end());
        upstream.on('end', () => frozen || client.end());
        client.on('data', (chunk) => {
          if (!frozen) upstream.write(chunk);
        });
        upstream.on('data', (chunk) => {
          if (!frozen) client.write(chunk);
        });
      });
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', () => {
        port = (srv.address() as net.AddressInfo).port;
        server = srv;
        resolve();
      });
    });

  const stop = async () => {
    const srv = server;
    server = undefined;
    for (const s of sockets) s.destroy();
    sockets.clear();
    if (srv) await new Promise<void>((resolve) => srv.close(() => resolve()));
  };

  await listen();
  return {
    get port() {
      return port;
    },
    url: (scheme) => `${scheme}://127.0.0.1:${port}`,
    stop,
    start: listen,
    freeze() {
      frozen = true;
    },
    async close() {
      frozen = false;
      await stop();
    },
  };
}
