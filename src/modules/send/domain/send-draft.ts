import { aboutDraft, tryOpen } from './decisions';
import { composeMessage, toRaw } from './mime';
import type { SentMessage, Token, TokenFailure } from './ports';
import { sentLookupFor, type SendDeps, type SendStep } from './send-deps';
import { gmailRefusal, isProvenNotSent, type SendFailure } from './send-failures';
import type { Draft, DraftContent, DraftStatus } from './types';

export type { SendDeps, SendSettings, SendStep } from './send-deps';

const DONE: SendStep = { kind: 'done' };

const TOKEN_FAILURES: Record<TokenFailure, SendFailure> = {
  not_connected: { code: 'not_connected' },
  connection_invalid: { code: 'connection_invalid' },
  credentials_unreadable: { code: 'credentials_unreadable' },
  unavailable: { code: 'token_unavailable' },
};

const usable = (got: Token | { failure: TokenFailure }): Token | undefined =>
  'failure' in got ? undefined : got;

/**
 * The send job. Invariant: the draft moves `sending → attempting` (durably, with the time) before
 * Gmail is called, and a draft found `attempting` is never sent again — only looked up in Sent.
 * Retries are counted and scheduled on the draft (`sendAttempts`, `nextAttemptAt`), so whichever
 * job runs it — the first, a BullMQ retry or a resume after a crash — honours the same count and
 * the same Retry-After.
 */
export function createSendDraft(deps: SendDeps) {
  const { settings: s } = deps;
  const backoff = (attempt: number, floorMs = 0) => {
    const exp = s.retryBaseMs * 2 ** Math.max(0, attempt - 1);
    return Math.max(floorMs, exp) + Math.floor(Math.random() * exp * 0.2);
  };

  async function finish(
    draft: Draft,
    from: DraftStatus[],
    failure: SendFailure,
    status: 'failed' | 'outcome_unknown',
  ) {
    const text = deps.describe(failure);
    if (!(await deps.drafts.transition(draft.id, from, status, { failureReason: text }))) return DONE;
    await deps.record({
      ...aboutDraft(draft),
      result: status,
      reason: failure.code,
      content: tryOpen(deps.openContent, draft),
    });
    await deps.tell(draft, { kind: status, reason: text });
    return DONE;
  }

  async function succeed(draft: Draft, message: SentMessage, reason?: string): Promise<SendStep> {
    const now = deps.clock.now();
    const gmailMessageId = message.id;
    const patch = { gmailMessageId, gmailThreadId: message.threadId, sentAt: now, failureReason: null };
    if (!(await deps.drafts.transition(draft.id, ['attempting', 'outcome_unknown'], 'sent', patch)))
      return DONE;
    await deps.record({
      ...aboutDraft(draft),
      result: 'success',
      gmailMessageId,
      reason,
      content: tryOpen(deps.openContent, draft),
    });
    await deps.tell(draft, { kind: 'sent' });
    return DONE;
  }

  /** Gmail may or may not have sent it: find it in Sent by our Message-ID, or say we cannot know. */
  async function settleAmbiguous(draft: Draft, attemptedAt: Date, known?: Token): Promise<SendStep> {
    const age = deps.clock.now().getTime() - attemptedAt.getTime();
    if (!known && age < s.inFlightMs) return { kind: 'later', delayMs: s.inFlightMs - age };
    const token = known ?? usable(await deps.accessTokens.forConnection(draft.connectionId));
    const how = sentLookupFor(token, s);
    if (token && how) {
      const found = await deps.gmail.findSent(token.accessToken, draft.messageIdHeader, how, attemptedAt);
      if (!found.ok) {
        deps.log.warn({ draftId: draft.id, kind: found.failure.kind }, 'sent folder search failed');
      }
      if (found.ok && found.value) return succeed(draft, found.value, 'reconciled');
      if (age < s.reconcileWindowMs) {
        return { kind: 'later', delayMs: Math.min(backoff(1), s.reconcileWindowMs - age) };
      }
      return finish(draft, ['attempting'], { code: 'not_found_in_sent' }, 'outcome_unknown');
    }
    return finish(draft, ['attempting'], { code: 'gmail_no_answer' }, 'outcome_unknown');
  }

  /** Schedules the next attempt on the draft; a runner that lost the draft meanwhile just stops. */
  async function retryLater(
    draft: Draft,
    from: 'sending' | 'attempting',
    attempt: number,
    delayMs: number,
  ): Promise<SendStep> {
    const patch = { sendAttempts: attempt, nextAttemptAt: new Date(deps.clock.now().getTime() + delayMs) };
    const guard = from === 'sending' ? { sendAttempts: draft.sendAttempts } : undefined;
    if (!(await deps.drafts.transition(draft.id, [from], 'sending', patch, guard))) return DONE;
    return { kind: 'later', delayMs };
  }

  async function token(draft: Draft, attempt: number): Promise<Token | SendStep> {
    const got = await deps.accessTokens.forConnection(draft.connectionId);
    if (!('failure' in got)) return got;
    // `unavailable`: nothing was sent; Google's token endpoint was unreachable or failed.
    if (got.failure === 'unavailable' && attempt < s.maxAttempts) {
      return retryLater(draft, 'sending', attempt, backoff(attempt));
    }
    return finish(draft, ['sending'], TOKEN_FAILURES[got.failure], 'failed');
  }

  async function attemptSend(draft: Draft): Promise<SendStep> {
    const attempt = draft.sendAttempts + 1;
    const got = await token(draft, attempt);
    if ('kind' in got) return got;
    let content: DraftContent;
    try {
      content = deps.openContent(draft);
    } catch {
      return finish(draft, ['sending'], { code: 'draft_unreadable' }, 'failed');
    }
    if (got.connection.email.toLowerCase() !== content.from.toLowerCase()) {
      return finish(draft, ['sending'], { code: 'connection_changed' }, 'failed');
    }
    const attemptedAt = deps.clock.now();
    const raw = toRaw(composeMessage(content, { messageId: draft.messageIdHeader, date: attemptedAt }));
    // The guard makes a runner that read the draft before another runner's attempt stop here.
    const claimed = await deps.drafts.transition(
      draft.id,
      ['sending'],
      'attempting',
      { attemptedAt, sendAttempts: attempt, nextAttemptAt: null },
      { sendAttempts: draft.sendAttempts },
    );
    if (!claimed) return DONE;
    const sent = await deps.gmail.send(got.accessToken, raw, content.reply?.threadId);
    if (sent.ok) return succeed(draft, sent.value);
    const f = sent.failure;
    deps.log.warn({ draftId: draft.id, kind: f.kind, status: f.status, attempt }, 'gmail send failed');
    if (!isProvenNotSent(f)) return settleAmbiguous(draft, attemptedAt, got);
    if (f.kind === 'unauthorized') deps.accessTokens.forget(draft.connectionId);
    const retryable = f.kind === 'rate_limited' || f.kind === 'unauthorized' || f.kind === 'network';
    if (!retryable || attempt >= s.maxAttempts)
      return finish(draft, ['attempting'], gmailRefusal(f), 'failed');
    return retryLater(draft, 'attempting', attempt, backoff(attempt, f.retryAfterMs));
  }

  /** Runs the send job for `draftId` once: an attempt when one is due, else another look later. */
  return async function sendDraft(draftId: string): Promise<SendStep> {
    const draft = await deps.drafts.findById(draftId);
    if (draft?.status === 'attempting') return settleAmbiguous(draft, draft.attemptedAt ?? draft.createdAt);
    if (draft?.status !== 'sending') return DONE;
    const notDueForMs = (draft.nextAttemptAt?.getTime() ?? 0) - deps.clock.now().getTime();
    if (notDueForMs > 0) return { kind: 'later', delayMs: notDueForMs };
    return attemptSend(draft);
  };
}

export type SendDraft = ReturnType<typeof createSendDraft>;
