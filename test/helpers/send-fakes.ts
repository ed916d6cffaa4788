import { isFinalStatus, type Draft, type DraftStore } from '../../src/domain/send/types';

/** A draft as staging leaves it (pending, preview shown); `over` replaces fields. */
export function pendingDraft(now: Date, over: Partial<Draft> = {}): Draft {
  return {
    id: '6f1c2a36-0d1e-4c7b-9a55-0e4bb0d7a001',
    teamId: 'T1',
    userId: 'U1',
    connectionId: 'c1',
    channelId: 'C1',
    triggerTs: '1.000001',
    threadTs: null,
    sealedContent: { ciphertext: Buffer.alloc(0), keyVersion: 'v1' },
    recipientCount: 1,
    status: 'pending',
    messageIdHeader: '<mb.1@example.com>',
    gmailMessageId: null,
    failureReason: null,
    previewKind: 'ephemeral',
    previewChannel: null,
    previewTs: null,
    responseUrl: null,
    previewOutcome: null,
    expiresAt: new Date(now.getTime() + 15 * 60_000),
    claimedAt: null,
    attemptedAt: null,
    sentAt: null,
    sendAttempts: 0,
    nextAttemptAt: null,
    createdAt: now,
    ...over,
  };
}

/** DraftStore semantics (conditional transitions with their guards) over one in-memory map. */
export function memoryDrafts(...drafts: Draft[]): DraftStore & { rows: Map<string, Draft> } {
  const rows = new Map(drafts.map((d) => [d.id, { ...d }]));
  const copy = (d: Draft | undefined) => (d ? { ...d } : undefined);
  return {
    rows,
    async create(d) {
      rows.set(d.id, {
        ...d,
        claimedAt: null,
        attemptedAt: null,
        sentAt: null,
        sendAttempts: 0,
        nextAttemptAt: null,
        createdAt: new Date(),
      });
    },
    async findById(id) {
      return copy(rows.get(id));
    },
    async update(id, patch) {
      rows.set(id, { ...rows.get(id)!, ...patch });
    },
    async transition(id, from, to, patch = {}, guard = {}) {
      const d = rows.get(id);
      if (!d || !from.includes(d.status)) return false;
      if (guard.unexpiredAt && d.expiresAt <= guard.unexpiredAt) return false;
      if (guard.sendAttempts !== undefined && d.sendAttempts !== guard.sendAttempts) return false;
      rows.set(id, { ...d, ...patch, status: to });
      return true;
    },
    async listExpiredPending(now) {
      return [...rows.values()]
        .filter((d) => d.status === 'pending' && d.expiresAt <= now)
        .map(copy) as Draft[];
    },
    async listInStatus(statuses) {
      return [...rows.values()].filter((d) => statuses.includes(d.status)).map(copy) as Draft[];
    },
    async markPreviewShown(id, status) {
      const d = rows.get(id);
      if (d?.status === status) rows.set(id, { ...d, previewOutcome: status });
    },
    // No change times here: every finished draft whose preview lags is listed.
    async listUnshownOutcomes() {
      return [...rows.values()]
        .filter((d) => isFinalStatus(d.status) && d.previewOutcome !== d.status)
        .map(copy) as Draft[];
    },
    async listOpenForUser(teamId, userId) {
      return [...rows.values()]
        .filter(
          (d) => d.teamId === teamId && d.userId === userId && ['pending', 'sending'].includes(d.status),
        )
        .map(copy) as Draft[];
    },
  };
}

/** A clock the test moves. */
export function manualClock(start = new Date('2026-12-01T10:00:00Z')) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
  };
}

export const quietLog = { info: () => undefined, warn: () => undefined };
