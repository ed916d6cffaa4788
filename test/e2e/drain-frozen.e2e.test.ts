import { startStack, type Stack } from '../helpers/stack';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';
import type { ServerProcess } from '../helpers/server-process';

const SHUTDOWN_TIMEOUT_MS = 5_000;

/**
 * SIGTERM while Redis or Postgres hangs: reached through a proxy that, once the server is up, still
 * accepts connections but never forwards a byte. Nothing is lost by closing with a dependency that
 * hangs, so the shutdown is still clean: exit code 0 by the bound + 2 s, with a log line naming what hung.
 */
describe('shutdown while a dependency hangs', () => {
  jest.setTimeout(120_000);
  let stack: Stack;
  const proxies: TcpProxy[] = [];

  beforeAll(async () => {
    stack = await startStack({ env: { SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) } });
  });
  afterAll(async () => {
    await stack?.close();
    await Promise.all(proxies.map((p) => p.close()));
  });

  /** The server restarted to reach `port` through a proxy of its own, which the test can freeze. */
  async function serverBehindProxy(port: number, variable: 'REDIS_URL' | 'DATABASE_URL') {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port });
    proxies.push(proxy);
    const url = new URL(variable === 'REDIS_URL' ? stack.env.REDIS_URL! : stack.db.url);
    const direct = url.toString();
    url.host = `127.0.0.1:${proxy.port}`;
    await stack.server.stop('SIGTERM');
    const server = await stack.restart({ [variable]: url.toString() });
    // The next round (and afterAll) starts from a server that reaches the dependency directly.
    Object.assign(stack.env, { [variable]: direct });
    return { proxy, server };
  }

  /** SIGTERM, then the exit; the guard, far above the bound, only keeps a hung process from hanging the test. */
  async function terminate(server: ServerProcess) {
    server.child.kill('SIGTERM');
    const guard = new Promise<'still running'>((r) =>
      setTimeout(() => r('still running'), SHUTDOWN_TIMEOUT_MS + 10_000).unref(),
    );
    return Promise.race([server.exited, guard]);
  }

  it.each([
    { dependency: 'Redis', port: 6379, variable: 'REDIS_URL' as const },
    { dependency: 'Postgres', port: 5432, variable: 'DATABASE_URL' as const },
  ])(
    'when $dependency hangs at SIGTERM, then the process exits 0 and says what it closed with',
    async ({ port, variable }) => {
      const { proxy, server } = await serverBehindProxy(port, variable);
      proxy.freeze();

      expect(await terminate(server)).toEqual({ code: 0, signal: null });
      const messages = server.logs.map((l) => l.msg ?? '');
      const closedCleanly = messages.includes('shutdown complete');
      const hangNamed = messages.some((m) => /still hanging/.test(m));
      expect(closedCleanly || hangNamed).toBe(true);
      // No job was running: a drain that ran out of time must not claim it abandoned one.
      expect(messages.filter((m) => /did not finish in time; abandoned/.test(m))).toEqual([]);
      expect(messages).not.toContain('shutdown failed');
    },
  );
});
