import type { GmailPort, MailboxStore, NotifyLog } from '../../src/modules/notify/domain/ports';
import type {
  MailboxOwner,
  MailboxProblem,
  MailboxRecord,
  OwnerNotice,
} from '../../src/modules/notify/domain/types';
import { problemText } from '../../src/modules/notify/replies';

/** The reason in words, as the Prisma store writes it. */
const reasonOf = (problem: MailboxProblem | null) => (problem ? problemText(problem) : null);

export const NOW = new Date('2026-11-20T12:00:00Z');
export const DAY_MS = 24 * 3_600_000;

export const silentLog = (): NotifyLog & { warnings: string[] } => {
  const warnings: string[] = [];
  return {
    warnings,
    info: () => undefined,
    warn: (_o: object, msg: string) => void warnings.push(msg),
    error: () => undefined,
  };
};

export const mailboxRow = (over: Partial<MailboxRecord> = {}): MailboxRecord => ({
  id: 'mb-1',
  connectionId: 'conn-1',
  teamId: 'T1',
  userId: 'U1',
  email: 'ada@example.com',
  enabled: true,
  historyId: 100n,
  watchExpiresAt: new Date(NOW.getTime() + 3 * DAY_MS),
  state: 'ok',
  stateReason: null,
  lastPushAt: null,
  lastSyncAt: NOW,
  lastNotifiedAt: null,
  lapseNotifiedAt: null,
  ...over,
});

/** Mailbox rows in memory, one per connection, as the Prisma store keeps them. */
export function memoryMailboxes(rows: MailboxRecord[] = []) {
  const byId = new Map(rows.map((r) => [r.id, { ...r }]));
  const byConnection = (connectionId: string) =>
    [...byId.values()].find((r) => r.connectionId === connectionId);
  let nextId = byId.size + 1;
  const store: MailboxStore & { rows: Map<string, MailboxRecord> } = {
    rows: byId,
    findById: async (id) => (byId.has(id) ? { ...byId.get(id)! } : undefined),
    findByConnection: async (connectionId) => {
      const row = byConnection(connectionId);
      return row ? { ...row } : undefined;
    },
    async enable({ connection, historyId, watchExpiresAt, now, resetCursor }) {
      const existing = byConnection(connection.id);
      const owner: Omit<MailboxOwner, 'id'> = connection;
      const on = {
        teamId: owner.teamId,
        userId: owner.userId,
        email: owner.email,
        enabled: true,
        watchExpiresAt,
        state: 'ok' as const,
        stateReason: null,
        lapseNotifiedAt: null,
      };
      const cursor = { historyId, lastSyncAt: now };
      const row: MailboxRecord = existing
        ? { ...existing, ...on, ...(resetCursor ? cursor : {}) }
        : { ...mailboxRow(), id: `mb-${nextId++}`, connectionId: connection.id, ...on, ...cursor };
      byId.set(row.id, row);
      return { ...row };
    },
    async disable(connectionId, state, problem) {
      const row = byConnection(connectionId);
      if (!row) return undefined;
      const wasEnabled = row.enabled;
      Object.assign(row, { enabled: false, state, stateReason: reasonOf(problem) });
      return { id: row.id, email: row.email, wasEnabled };
    },
    async recordWatch(id, watchExpiresAt) {
      const row = byId.get(id)!;
      if (row.state === 'lapsed') Object.assign(row, { state: 'ok', stateReason: null });
      Object.assign(row, { watchExpiresAt, lapseNotifiedAt: null });
    },
    async advanceCursor(id, historyId) {
      const row = byId.get(id)!;
      if (row.historyId !== null && historyId <= row.historyId) return false;
      row.historyId = historyId;
      return true;
    },
    async recordSync(id, p) {
      if (p.advanceTo !== undefined) await this.advanceCursor(id, p.advanceTo);
      Object.assign(byId.get(id)!, { lastSyncAt: p.now, state: p.state, stateReason: reasonOf(p.problem) });
    },
    async setState(id, state, problem) {
      Object.assign(byId.get(id)!, { state, stateReason: reasonOf(problem) });
    },
    async lapseExpired(ids, now) {
      const marked = ids
        .map((id) => byId.get(id))
        .filter((r): r is MailboxRecord => !!r)
        .filter((r) => r.enabled && r.state !== 'lapsed' && (!r.watchExpiresAt || r.watchExpiresAt <= now));
      for (const r of marked)
        Object.assign(r, { state: 'lapsed', stateReason: reasonOf({ kind: 'watch_expired' }) });
      return marked.map(({ id, teamId, userId }) => ({ id, teamId, userId }));
    },
    async claimLapseNotice(id, now) {
      const row = byId.get(id)!;
      if (row.lapseNotifiedAt) return false;
      row.lapseNotifiedAt = now;
      return true;
    },
    unnotified: async (_id, ids) => ids,
    recordIntent: async (_id, ids) => ids,
    markNotified: async () => undefined,
    pendingIntents: async () => [],
    releaseIntents: async () => undefined,
    dueForRenewal: async (before) =>
      [...byId.values()].filter((r) => r.enabled && (!r.watchExpiresAt || r.watchExpiresAt < before)),
    silentSince: async (since) =>
      [...byId.values()]
        .filter(
          (r) =>
            r.enabled && !((r.lastPushAt ?? new Date(0)) >= since || (r.lastSyncAt ?? new Date(0)) >= since),
        )
        .map((r) => r.id),
  };
  return store;
}

/** A Gmail whose watch answers `watch` (or throws it), recording the calls made. */
export function fakeWatchGmail(
  watch: (() => Promise<{ historyId: string; expiration: Date }>) | undefined = undefined,
) {
  const calls: string[] = [];
  const gmail: GmailPort = {
    async watch(topicName) {
      calls.push(`watch ${topicName}`);
      return watch ? watch() : { historyId: '500', expiration: new Date(NOW.getTime() + 7 * DAY_MS) };
    },
    async stop() {
      calls.push('stop');
    },
    listHistory: async () => ({ messages: [], historyId: '500' }),
    headers: async () => undefined,
    recentInbox: async () => [],
    currentHistoryId: async () => '500',
  };
  return { gmail, calls };
}

/** What the owner was told, as data. */
export const noticeLog = () => {
  const told: Array<{ userId: string; notice: OwnerNotice }> = [];
  const tell = async (m: MailboxRecord, notice: OwnerNotice) => void told.push({ userId: m.userId, notice });
  return { told, tell };
};
