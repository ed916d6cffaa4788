import { randomBytes } from 'node:crypto';
import { createSealer, type Sealed } from '../../src/shared/crypto';
import { connectErrors } from '../../src/modules/connect/domain/errors';
import { createAccessTokens } from '../../src/modules/connect/domain/access-tokens';
import type {
  AuditLog,
  ConnectAuditEntry,
  ConnectionEvents,
  ConnectionStore,
  GoogleAuth,
  MailboxSummaries,
  Notices,
  PairingStore,
  RevocationStore,
} from '../../src/modules/connect/domain/ports';
import {
  tokenContext,
  type Connection,
  type ConnectionChange,
  type ConnectNotice,
  type GoogleIdentity,
  type MailboxSummary,
  type OAuthAttempt,
  type Pairing,
  type PendingRevocation,
  type TokenGrant,
} from '../../src/modules/connect/domain/types';

/** In-memory adapters behind connect's ports: what the use cases see, without a database or Google. */

export const testSealer = () => createSealer({ current: 'v1', keys: new Map([['v1', randomBytes(32)]]) });

export const fakeClock = (start = new Date('2026-11-20T12:00:00Z')) => {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
  };
};

const sameSealed = (a: Sealed | null, b: Sealed | null) =>
  a === b || (!!a && !!b && a.keyVersion === b.keyVersion && a.ciphertext.equals(b.ciphertext));

export function fakeConnections(): ConnectionStore & { rows: Map<string, Connection & { noticeAt?: Date }> } {
  const rows = new Map<string, Connection & { noticeAt?: Date }>();
  const byUser = (teamId: string, userId: string) =>
    [...rows.values()].find((c) => c.teamId === teamId && c.userId === userId);
  const copy = (c: Connection | undefined) => (c ? { ...c } : undefined);
  return {
    rows,
    findByUser: async (teamId, userId) => copy(byUser(teamId, userId)),
    findById: async (id) => copy(rows.get(id)),
    async upsertActive(p) {
      const id = byUser(p.teamId, p.userId)?.id ?? `conn-${rows.size + 1}`;
      const row: Connection = {
        id,
        teamId: p.teamId,
        userId: p.userId,
        googleSub: p.googleSub,
        email: p.email,
        scopes: p.scopes,
        status: 'active',
        sealedToken: p.sealed,
        connectedAt: p.now,
        invalidAt: null,
        revokedAt: null,
      };
      rows.set(id, row);
      return { ...row };
    },
    async upsertActiveAlone(p) {
      const taken = [...rows.values()].some(
        (c) =>
          c.teamId === p.teamId &&
          c.googleSub === p.googleSub &&
          c.status === 'active' &&
          c.userId !== p.userId,
      );
      return taken ? undefined : this.upsertActive(p);
    },
    async upsertActiveShared(p) {
      const holders = await this.otherActiveHolders(p.teamId, p.googleSub, p.userId);
      return { connection: await this.upsertActive(p), holders };
    },
    otherActiveHolders: async (teamId, sub, userId) =>
      [...rows.values()]
        .filter(
          (c) => c.teamId === teamId && c.googleSub === sub && c.status === 'active' && c.userId !== userId,
        )
        .map((c) => ({ ...c })),
    async replaceToken(id, sub, sealed) {
      const row = rows.get(id);
      if (!row || row.googleSub !== sub || row.status !== 'active') return false;
      row.sealedToken = sealed;
      return true;
    },
    hasActiveWithSub: async (sub) =>
      [...rows.values()].some((c) => c.googleSub === sub && c.status === 'active'),
    async markInvalid(id, failed, now) {
      const row = rows.get(id);
      if (!row || row.status !== 'active' || row.googleSub !== failed.googleSub) return false;
      if (failed.sealed && !sameSealed(row.sealedToken, failed.sealed)) return false;
      Object.assign(row, { status: 'invalid', invalidAt: now });
      return true;
    },
    async claimInvalidNotice(id, now) {
      const row = rows.get(id);
      if (!row || row.status !== 'invalid' || row.noticeAt) return false;
      row.noticeAt = now;
      return true;
    },
    async markRevoked(id, now) {
      Object.assign(rows.get(id)!, { status: 'revoked', revokedAt: now, sealedToken: null });
    },
  };
}

/** A stored connection whose refresh token is sealed as the store keeps it. */
export function seedConnection(
  store: ReturnType<typeof fakeConnections>,
  sealer: ReturnType<typeof testSealer>,
  p: Partial<Connection> & { refreshToken?: string } = {},
): Connection {
  const teamId = p.teamId ?? 'T1';
  const userId = p.userId ?? 'U1';
  const { refreshToken = 'refresh-1', ...rest } = p;
  const row: Connection = {
    id: `conn-${store.rows.size + 1}`,
    teamId,
    userId,
    googleSub: 'sub-1',
    email: 'ada@example.com',
    scopes: ['https://www.googleapis.com/auth/gmail.send'],
    status: 'active',
    sealedToken: sealer.seal(refreshToken, tokenContext(teamId, userId)),
    connectedAt: new Date('2026-11-01T09:00:00Z'),
    invalidAt: null,
    revokedAt: null,
    ...rest,
  };
  store.rows.set(row.id, row);
  return { ...row };
}

export function fakePairings(): PairingStore & {
  pairings: Map<string, Pairing>;
  attempts: Map<string, OAuthAttempt>;
} {
  const pairings = new Map<string, Pairing & { createdAt: Date }>();
  const attempts = new Map<string, OAuthAttempt>();
  return {
    pairings,
    attempts,
    async createWithinLimit(p, since, limit) {
      const recent = [...pairings.values()].filter(
        (x) => x.teamId === p.teamId && x.userId === p.userId && x.createdAt >= since,
      );
      if (recent.length >= limit) return false;
      pairings.set(p.id, {
        ...p,
        failedAttempts: 0,
        usedAt: null,
        burntAt: null,
        refusedAt: null,
        createdAt: new Date(since.getTime() + 3_600_000),
      });
      return true;
    },
    find: async (id) => (pairings.has(id) ? { ...pairings.get(id)! } : undefined),
    async reserveCheck(id, limit, now) {
      const p = pairings.get(id);
      if (!p || p.usedAt || p.burntAt || p.expiresAt <= now || p.failedAttempts >= limit) return undefined;
      p.failedAttempts += 1;
      if (p.failedAttempts >= limit) p.burntAt = now;
      return p.failedAttempts;
    },
    async consume(id, now) {
      const p = pairings.get(id);
      if (!p || p.usedAt || p.refusedAt || p.expiresAt <= now) return false;
      Object.assign(p, { usedAt: now, burntAt: null, failedAttempts: p.failedAttempts - 1 });
      return true;
    },
    async refuse(id, now) {
      const p = pairings.get(id);
      if (!p || p.refusedAt) return undefined;
      p.refusedAt = now;
      p.burntAt ??= now;
      if (p.expiresAt > now) p.expiresAt = now;
      return { wasUsed: p.usedAt !== null };
    },
    createAttempt: async (a) => void attempts.set(a.id, { ...a, usedAt: null }),
    findAttempt: async (id) => (attempts.has(id) ? { ...attempts.get(id)! } : undefined),
    async consumeAttempt(id, now) {
      const a = attempts.get(id);
      if (!a || a.usedAt || a.expiresAt <= now) return false;
      a.usedAt = now;
      return true;
    },
    async purgeExpired(before) {
      const gone = [...pairings.values()].filter((p) => p.expiresAt < before);
      gone.forEach((p) => pairings.delete(p.id));
      return gone.length;
    },
  };
}

export function fakeRevocationStore(): RevocationStore & {
  rows: Map<string, PendingRevocation & { doneAt?: Date; lastError?: string }>;
} {
  const rows = new Map<string, PendingRevocation & { doneAt?: Date; lastError?: string }>();
  return {
    rows,
    create: async (p) => void rows.set(p.id, { ...p, attempts: 0 }),
    find: async (id) => {
      const r = rows.get(id);
      return r && !r.doneAt ? { ...r } : undefined;
    },
    async recordFailure(id, error) {
      const r = rows.get(id)!;
      Object.assign(r, { attempts: r.attempts + 1, lastError: error });
    },
    async complete(id, now, note) {
      Object.assign(rows.get(id)!, { doneAt: now, ...(note ? { lastError: note } : {}) });
    },
    async supersedeForAccount(sub, now) {
      const open = [...rows.values()].filter((r) => r.googleSub === sub && !r.doneAt);
      open.forEach((r) => Object.assign(r, { doneAt: now }));
      return open.length;
    },
    listOpenIds: async () => [...rows.values()].filter((r) => !r.doneAt).map((r) => r.id),
  };
}

/** Google as the use cases see it; each call is recorded and each answer can be replaced per test. */
export function fakeGoogle(over: Partial<GoogleAuth> = {}) {
  const calls = { refresh: [] as string[], revoke: [] as string[], exchange: [] as string[] };
  let n = 0;
  const google: GoogleAuth = {
    authorizationUrl: (p) =>
      `http://127.0.0.1/auth?${new URLSearchParams({
        state: p.state,
        code_challenge: p.codeChallenge,
        scope: p.scopes.join(' '),
        ...(p.loginHint ? { login_hint: p.loginHint } : {}),
      }).toString()}`,
    async exchangeCode(code) {
      calls.exchange.push(code);
      return grant({ refreshToken: 'refresh-new', idToken: 'id-token' });
    },
    verifyIdToken: async (): Promise<GoogleIdentity> => ({
      sub: 'sub-1',
      email: 'ada@example.com',
      emailVerified: true,
    }),
    async refresh(token) {
      calls.refresh.push(token);
      n += 1;
      return grant({ accessToken: `access-${n}` });
    },
    async revoke(token) {
      calls.revoke.push(token);
    },
    ...over,
  };
  return { google, calls };
}

export const grant = (p: Partial<TokenGrant> = {}): TokenGrant => ({
  accessToken: 'access',
  expiresAt: new Date('2026-11-20T13:00:00Z'),
  scopes: ['https://www.googleapis.com/auth/gmail.send', 'openid', 'email'],
  ...p,
});

export const invalidGrant = () => connectErrors.fail('invalid_grant', 'token refresh failed: invalid_grant');

export function fakeAudit(): AuditLog & { entries: ConnectAuditEntry[] } {
  const entries: ConnectAuditEntry[] = [];
  return { entries, record: async (e) => void entries.push(e) };
}

export function fakeNotices(): Notices & { told: Array<{ userId: string; notice: ConnectNotice }> } {
  const told: Array<{ userId: string; notice: ConnectNotice }> = [];
  return { told, tell: async (_t, userId, notice) => void told.push({ userId, notice }) };
}

export function fakeEvents(): ConnectionEvents & { emitted: Array<[ConnectionChange, string]> } {
  const emitted: Array<[ConnectionChange, string]> = [];
  return { emitted, emit: async (change, c) => void emitted.push([change, c.email]) };
}

export const fakeMailboxes = (rows: Record<string, MailboxSummary> = {}): MailboxSummaries => ({
  find: async (id) => rows[id],
});

/** Access tokens over fresh fakes: the connections, sealer, clock and Google behind them are returned too. */
export function fakeTokenWorld(over: Partial<GoogleAuth> = {}) {
  const connections = fakeConnections();
  const sealer = testSealer();
  const clock = fakeClock();
  const google = fakeGoogle(over);
  const accessTokens = createAccessTokens({
    connections,
    sealer,
    clock,
    google: google.google,
    onInvalid: async () => {},
  });
  return { connections, sealer, clock, google, accessTokens };
}
