import type { Redis } from 'ioredis';
import type { MailboxRepo } from './mailbox-store';
import { batchPerTick } from './tick-batch';

export interface MailboxRoute {
  id: string;
  enabled: boolean;
}

export interface AddressRouteSource {
  /** The address's mailboxes from the database, recording `now` as their last push time. */
  touchPushByEmail(email: string, now: Date): Promise<MailboxRoute[]>;
  /** Records `now` as the last push time of the address's mailboxes whose recorded one is older than `since`. */
  touchPushIfOlder(email: string, now: Date, since: Date): Promise<void>;
}

/** How long an address's mailboxes are remembered in Redis; a change of them forgets them at once. */
const ROUTE_TTL_S = 300;
/**
 * A change leaves a short-lived empty entry in place of the routes: a push that read the rows before
 * the change cannot store them after it (its write is SET NX), and pushes meanwhile ask the database.
 */
const TOMBSTONE_MS = 5_000;
/** The last push time is written at most this often per address and machine. */
export const PUSH_TIME_EVERY_MS = 60_000;
/** Addresses whose last write this process remembers; the oldest are forgotten first. */
const MAX_TOUCHED = 10_000;

/**
 * The mailboxes of a Gmail address, as the push webhook needs them: remembered in Redis (shared by
 * every machine) so a push does not ask Postgres, and forgotten whenever a mailbox of the address is
 * turned on or off. The last push time (read only to pick mailboxes for safety syncs, hours later) is
 * written when Postgres is asked anyway, else at most every PUSH_TIME_EVERY_MS, after the answer.
 * The lookups of one event-loop round are one MGET.
 */
export function createAddressRoutes(p: {
  redis: Redis;
  keyPrefix: string;
  source: AddressRouteSource;
  now: () => Date;
  onTouchError: (err: unknown) => void;
}) {
  const key = (email: string) => `${p.keyPrefix}:notify:address:${email}`;
  const touched = new Map<string, number>();
  const remember = (email: string, at: number) => {
    touched.delete(email);
    if (touched.size >= MAX_TOUCHED) touched.delete(touched.keys().next().value as string);
    touched.set(email, at);
  };
  const touchLater = (email: string) => {
    const now = p.now();
    const last = touched.get(email);
    if (last !== undefined && now.getTime() - last < PUSH_TIME_EVERY_MS) return;
    remember(email, now.getTime());
    const since = new Date(now.getTime() - PUSH_TIME_EVERY_MS);
    void p.source.touchPushIfOlder(email, now, since).catch(p.onTouchError);
  };
  const remembered = batchPerTick<string, string | null>((emails) => p.redis.mget(emails.map(key)));
  return {
    async mailboxesOf(email: string): Promise<MailboxRoute[]> {
      const cached = await remembered(email);
      if (cached) {
        touchLater(email);
        return JSON.parse(cached) as MailboxRoute[];
      }
      const now = p.now();
      const rows = await p.source.touchPushByEmail(email, now);
      remember(email, now.getTime());
      const routes = rows.map((r) => ({ id: r.id, enabled: r.enabled }));
      await p.redis.set(key(email), JSON.stringify(routes), 'EX', ROUTE_TTL_S, 'NX');
      return routes;
    },
    /** A mailbox of these addresses was turned on or off (or moved): ask Postgres next time. */
    async forget(emails: Array<string | undefined>): Promise<void> {
      const known = [...new Set(emails.filter((e): e is string => !!e))];
      if (known.length === 0) return;
      const batch = p.redis.multi();
      for (const email of known) batch.set(key(email), '', 'PX', TOMBSTONE_MS);
      await batch.exec();
    },
  };
}

export type AddressRoutes = ReturnType<typeof createAddressRoutes>;

/** The mailbox store, forgetting an address's remembered mailboxes whenever one is turned on or off. */
export function forgettingRoutes(store: MailboxRepo, routes: Pick<AddressRoutes, 'forget'>): MailboxRepo {
  return {
    ...store,
    async enable(p) {
      const before = await store.findByConnection(p.connection.id);
      const row = await store.enable(p);
      await routes.forget([before?.email, row.email]);
      return row;
    },
    async disable(connectionId, state, problem) {
      const changed = await store.disable(connectionId, state, problem);
      await routes.forget([changed?.email]);
      return changed;
    },
  };
}
