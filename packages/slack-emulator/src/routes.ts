import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { sendJson } from './http-body';
import type { ResponseUrls } from './response-urls';
import type { SocketMode } from './socket-mode';
import { handleWebApi, type WebApiDeps } from './web-api';

export interface RouteDeps {
  webApi: WebApiDeps;
  responseUrls: ResponseUrls;
  socketMode: SocketMode;
  log: (msg: string) => void;
  /** Sign in with Slack's endpoints (oidc.ts). */
  oidc: { handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> };
}

/** `/api/<method>` and `/response/<id>` over HTTP, `/link/` as the Socket Mode upgrade. */
export function attachRoutes(server: Server, deps: RouteDeps): void {
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    route(req, res, url, deps).catch((err: unknown) => {
      deps.log(`http ${url.pathname}: ${String(err)}`);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'internal_error' });
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    if (url.pathname === '/link/' || url.pathname === '/link') {
      deps.socketMode.handleUpgrade(req, socket, head, url.searchParams);
    } else {
      socket.destroy();
    }
  });
}

async function route(req: IncomingMessage, res: ServerResponse, url: URL, deps: RouteDeps): Promise<void> {
  if (await deps.oidc.handle(req, res, url)) return;
  const [, area, name] = url.pathname.split('/');
  if (area === 'api' && name) return handleWebApi(req, res, name, url.searchParams, deps.webApi);
  if (area === 'response' && name) return deps.responseUrls.handle(req, res, name);
  sendJson(res, 404, { ok: false, error: 'not_found' });
}
