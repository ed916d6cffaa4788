import { webApi } from '@slack/bolt';
import { createSingleShotClient } from '../../shared/slack-single-shot-client';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

type WebClient = webApi.WebClient;

/** Names change rarely; an hour-old name on a confirmation page is harmless. */
const NAME_TTL_S = 3600;
/** A lookup that failed (unknown user, missing scope, timeout) is not tried again for a minute. */
const FAILED_TTL_S = 60;
const LOOKUP_TIMEOUT_MS = 2_000;

export interface PageNames {
  /** The person as no one else can be named: `@handle (user id)`, or the user id alone when unknown. */
  userName: string;
  /** The real name the person chose, only ever shown as a hint: anyone can choose anyone's name. */
  realName?: string;
  teamName: string;
}

/**
 * A WebClient of its own for name lookups on public pages. The main client waits out a 429 by pausing
 * its whole queue (every DM and reply of the deployment); this one never retries and rejects a 429 at
 * once, so page traffic can never stall messaging.
 */
export function createLookupClient(p: { token: string; apiUrl: string; log: Logger }): WebClient {
  return createSingleShotClient({ ...p, timeoutMs: LOOKUP_TIMEOUT_MS, maxRequestConcurrency: 4 });
}

/**
 * The names shown on the connect pages, cached in Redis. Each name costs at most one Slack call per
 * TTL (per machine while a lookup is in flight); a 429 pauses that method's lookups for its
 * Retry-After. When a name is unknown the page shows the user id or "your workspace" instead.
 */
export function createSlackNames(deps: { client: WebClient; redis: Redis; keyPrefix: string; log: Logger }) {
  const key = (...parts: string[]) => [deps.keyPrefix, 'slack-names', ...parts].join(':');
  const inFlight = new Map<string, Promise<string | undefined>>();

  const lookUp = async (cacheKey: string, method: string, fetchName: () => Promise<string | undefined>) => {
    try {
      const name = await fetchName();
      await deps.redis.set(cacheKey, name ?? '', 'EX', name ? NAME_TTL_S : FAILED_TTL_S);
      return name;
    } catch (err) {
      const { code, retryAfter } = err as { code?: string; retryAfter?: number };
      deps.log.warn({ method, code, retryAfter }, 'slack name lookup failed');
      if (code === webApi.ErrorCode.RateLimitedError) {
        await deps.redis.set(key('paused', method), '1', 'PX', Math.max(1, retryAfter ?? 1) * 1000);
      } else {
        await deps.redis.set(cacheKey, '', 'EX', FAILED_TTL_S);
      }
      return undefined;
    }
  };

  const cached = async (
    cacheKey: string,
    method: string,
    fetchName: () => Promise<string | undefined>,
  ): Promise<string | undefined> => {
    // Without Redis there is no bound on lookups: show the fallback instead of asking Slack.
    const [hit, paused] = await deps.redis.mget(cacheKey, key('paused', method)).catch(() => [null, '1']);
    if (hit !== null && hit !== undefined) return hit || undefined;
    if (paused) return undefined;
    let pending = inFlight.get(cacheKey);
    if (!pending) {
      pending = lookUp(cacheKey, method, fetchName)
        .catch(() => undefined)
        .finally(() => inFlight.delete(cacheKey));
      inFlight.set(cacheKey, pending);
    }
    return pending;
  };

  // Cached as JSON {handle, realName}; real names are chosen by users and not unique, the handle and id are.
  const person = async (userId: string): Promise<{ handle?: string; realName?: string }> => {
    const raw = await cached(key('person', userId), 'users.info', async () => {
      const u = (await deps.client.users.info({ user: userId })).user;
      if (!u) return undefined;
      const realName = u.real_name || u.profile?.real_name || u.profile?.display_name || undefined;
      return JSON.stringify({ handle: u.name || undefined, realName });
    });
    try {
      const parsed = raw ? (JSON.parse(raw) as { handle?: unknown; realName?: unknown }) : {};
      return {
        handle: typeof parsed.handle === 'string' ? parsed.handle : undefined,
        realName: typeof parsed.realName === 'string' ? parsed.realName : undefined,
      };
    } catch {
      return {};
    }
  };
  // The workspace the bot is installed in; team.info without arguments describes it.
  const teamName = () =>
    cached(key('team'), 'team.info', async () => (await deps.client.team.info()).team?.name);

  return {
    async forPage(userId: string): Promise<PageNames> {
      const [user, team] = await Promise.all([person(userId), teamName()]);
      return {
        userName: user.handle ? `@${user.handle} (${userId})` : userId,
        ...(user.realName && user.realName !== user.handle ? { realName: user.realName } : {}),
        teamName: team ?? 'your workspace',
      };
    },
  };
}

export type SlackNames = ReturnType<typeof createSlackNames>;
