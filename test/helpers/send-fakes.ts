import type { DraftEdits } from '../../src/modules/send/domain/edit-ports';
import type { DraftStore, NewDraft } from '../../src/modules/send/domain/ports';
import {
  isFinalStatus,
  previewBackoffMs,
  type Draft,
  type DraftContent,
} from '../../src/modules/send/domain/types';

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
    gmailThreadId: null,
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
    version: 1,
    editedAt: null,
    createdAt: now,
    ...over,
  };
}

/** A draft as staging hands it to the store, before its content is sealed. */
export function newDraft(now: Date, over: Partial<NewDraft> = {}): NewDraft {
  const {
    sealedContent: _sealed,
    createdAt: _created,
    claimedAt: _claimed,
    attemptedAt: _attempted,
    sentAt: _sent,
    sendAttempts: _attempts,
    nextAttemptAt: _next,
    gmailThreadId: _thread,
    ...draft
  } = pendingDraft(now, { previewKind: null });
  return { ...draft, ...over };
}

/** The content most send tests stage: one recipient, a short body. */
export const HELLO_CONTENT: DraftContent = {
  from: 'me@example.com',
  to: [{ address: 'bob@example.com', name: 'Bob' }],
  cc: [],
  bcc: [],
  subject: 'Hello',
  body: 'Hi Bob',
};

/** DraftStore semantics (conditional transitions with their guards) over one in-memory map. */
export function memoryDrafts(...drafts: Draft[]): DraftStore &
  DraftEdits & {
    rows: Map<string, Draft>;
    contents: Map<string, DraftContent>;
    now: () => Date;
    tries: Map<string, number>;
  } {
  const rows = new Map(drafts.map((d) => [d.id, { ...d }]));
  /** What the store keeps sealed: content stored by `create` (tests may add their own). */
  const contents = new Map<string, DraftContent>();
  const copy = (d: Draft | undefined) => (d ? { ...d } : undefined);
  /** As the table's updated_at and preview_tried_at; `now` is the store's clock (tests may replace it). */
  const changedAt = new Map(drafts.map((d) => [d.id, d.createdAt]));
  const triedAt = new Map<string, Date>();
  const tries = new Map<string, number>();
  const store: ReturnType<typeof memoryDrafts> = {
    rows,
    contents,
    tries,
    now: () => new Date(),
    async create(d, content) {
      contents.set(d.id, content);
      rows.set(d.id, {
        ...d,
        sealedContent: { ciphertext: Buffer.alloc(0), keyVersion: 'v1' },
        claimedAt: null,
        attemptedAt: null,
        sentAt: null,
        gmailThreadId: null,
        sendAttempts: 0,
        nextAttemptAt: null,
        createdAt: new Date(),
      });
      changedAt.set(d.id, store.now());
    },
    async edit(d, content, at) {
      const row = rows.get(d.id);
      if (row?.status !== 'pending' || row.version !== d.version || row.expiresAt <= at) return undefined;
      const recipientCount = content.to.length + content.cc.length + content.bcc.length;
      const edited = { ...row, version: row.version + 1, editedAt: at, recipientCount };
      rows.set(d.id, edited);
      contents.set(d.id, content);
      changedAt.set(d.id, store.now());
      return { ...edited };
    },
    async findById(id) {
      return copy(rows.get(id));
    },
    openContent(d) {
      const content = d.sealedContent && contents.get(d.id);
      if (!content) throw new Error('the content of this draft was purged');
      return content;
    },
    async update(id, patch) {
      rows.set(id, { ...rows.get(id)!, ...patch });
    },
    async transition(id, from, to, patch = {}, guard = {}) {
      const d = rows.get(id);
      if (!d || !from.includes(d.status)) return false;
      if (guard.unexpiredAt && d.expiresAt <= guard.unexpiredAt) return false;
      if (guard.sendAttempts !== undefined && d.sendAttempts !== guard.sendAttempts) return false;
      if (guard.version !== undefined && d.version !== guard.version) return false;
      rows.set(id, { ...d, ...patch, status: to });
      changedAt.set(id, store.now());
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
      if (d?.status === status) {
        rows.set(id, { ...d, previewOutcome: status });
        changedAt.set(id, store.now());
      }
    },
    async listUnshownOutcomes(changedAfter, changedBefore, now, take) {
      const due = (id: string) => {
        const tried = triedAt.get(id);
        return !tried || tried.getTime() + previewBackoffMs(tries.get(id) ?? 0) <= now.getTime();
      };
      const changed = (id: string) => changedAt.get(id)!.getTime();
      return [...rows.values()]
        .filter((d) => isFinalStatus(d.status) && d.previewOutcome !== d.status && due(d.id))
        .filter((d) => changed(d.id) > changedAfter.getTime() && changed(d.id) <= changedBefore.getTime())
        .sort(
          (a, b) =>
            (triedAt.get(a.id)?.getTime() ?? -Infinity) - (triedAt.get(b.id)?.getTime() ?? -Infinity) ||
            changed(a.id) - changed(b.id),
        )
        .slice(0, take)
        .map(copy) as Draft[];
    },
    async recordPreviewTry(id, status, giveUp) {
      const d = rows.get(id);
      if (d?.status !== status) return;
      tries.set(id, (tries.get(id) ?? 0) + 1);
      triedAt.set(id, store.now());
      if (giveUp) rows.set(id, { ...d, previewOutcome: status });
    },
    async listOpenForUser(teamId, userId) {
      return [...rows.values()]
        .filter(
          (d) => d.teamId === teamId && d.userId === userId && ['pending', 'sending'].includes(d.status),
        )
        .map(copy) as Draft[];
    },
  };
  return store;
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
