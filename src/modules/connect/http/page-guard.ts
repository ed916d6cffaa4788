import { isIP } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ConnectPageLimits, PageLimitCheck } from '../page-limits';
import { messagePage, pageHeaders } from './pages';

const PAIRING_ID = /^[A-Za-z0-9_-]{10,64}$/;

export interface AddressTrust {
  /** Running on Fly (FLY_APP_NAME set): its edge overwrites Fly-Client-IP with the peer it accepted. */
  onFly: boolean;
}

/** Fly names the app in FLY_APP_NAME; anywhere else the variable is unset. */
export const addressTrustFor = (flyAppName: string | undefined): AddressTrust => ({
  onFly: flyAppName !== undefined,
});

/**
 * The client's address as the limits count it. On Fly, Fly-Client-IP, which its edge sets; anywhere else that
 * header is the client's own words and is ignored, and `req.ip` is what Fastify derives under TRUST_PROXY_HOPS
 * (the socket's peer unless proxies are trusted). An IPv6 client usually holds a whole /64, so that is its key.
 */
export function clientAddress(req: FastifyRequest, trust: AddressTrust): string {
  const fly = req.headers['fly-client-ip'];
  const address = trust.onFly && typeof fly === 'string' && isIP(fly.trim()) ? fly.trim() : req.ip;
  return limitKey(address);
}

/** IPv4 as is (also when IPv4-mapped); IPv6 reduced to its /64 prefix. */
export function limitKey(address: string): string {
  const bare = address.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return mapped[1]!;
  if (isIP(bare) !== 6) return bare;
  // A dotted IPv4 tail fills the last two groups, which the /64 prefix never reaches.
  const [head = '', tail = ''] = bare.replace(/\d+\.\d+\.\d+\.\d+$/, '0:0').split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = bare.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  const prefix = groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16));
  return `${prefix.join(':')}::/64`;
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
export function connectPageGuard(limits: ConnectPageLimits, trust: AddressTrust) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const query = req.query as { pairing?: unknown } | undefined;
    const body = req.body as { pairing?: unknown } | undefined;
    const raw = query?.pairing ?? body?.pairing;
    const pairingId = typeof raw === 'string' && PAIRING_ID.test(raw) ? raw : 'malformed';
    let check: PageLimitCheck;
    try {
      check = await limits.consume(pairingId, clientAddress(req, trust));
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
