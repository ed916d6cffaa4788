import { isIP } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ConnectPageLimits, PageLimitCheck } from '../persistence/connect-page-limits';
import { messagePage, pageHeaders } from './pages';

const PAIRING_ID = /^[A-Za-z0-9_-]{10,64}$/;

/**
 * The client's address: Fly's edge sets Fly-Client-IP from the connection it accepted; elsewhere the
 * address Fastify derives under `trustProxy` (X-Forwarded-For) is used.
 */
export function clientAddress(req: FastifyRequest): string {
  const fly = req.headers['fly-client-ip'];
  return typeof fly === 'string' && isIP(fly.trim()) ? fly.trim() : req.ip;
}

const waitText = (seconds: number) =>
  seconds <= 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;

function refuse(reply: FastifyReply, status: number, seconds: number, p: { title: string; message: string }) {
  return reply
    .code(status)
    .headers({ ...pageHeaders(), 'retry-after': String(seconds) })
    .send(
      messagePage({
        ...p,
        next: `Wait ${waitText(seconds)}, then open the link from Slack again. If it has expired by then, run <code>/ai-email-connect</code> in Slack for a new link and code.`,
      }),
    );
}

/** A preHandler that answers 429 with a readable page once a pairing or an address asked too often. */
export function connectPageGuard(limits: ConnectPageLimits) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const query = req.query as { pairing?: unknown } | undefined;
    const body = req.body as { pairing?: unknown } | undefined;
    const raw = query?.pairing ?? body?.pairing;
    const pairingId = typeof raw === 'string' && PAIRING_ID.test(raw) ? raw : 'malformed';
    let check: PageLimitCheck;
    try {
      check = await limits.consume(pairingId, clientAddress(req));
    } catch (err) {
      // Without the limits' store the pages would be unbounded: refuse for now.
      req.log.error({ err }, 'connect page limits unavailable');
      return refuse(reply, 503, 30, {
        title: 'Please try again shortly',
        message: 'Mailbridge cannot open this page right now.',
      });
    }
    if (check.allowed) return;
    const seconds = Math.max(1, Math.ceil(check.retryAfterMs / 1000));
    req.log.info({ seconds }, 'connect page rate-limited');
    return refuse(reply, 429, seconds, {
      title: 'Too many requests',
      message: 'This page was opened or submitted too often in a short time.',
    });
  };
}
