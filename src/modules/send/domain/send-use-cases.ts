import type { Clock } from '../../../shared/clock';
import { createConfirmClick } from './confirm-click';
import { createDecisionRecorder } from './decisions';
import { createEditDraft } from './edit-draft';
import { createReviewDraft } from './review-draft';
import type { DraftEdits, RecipientCheck, ShowEdited } from './edit-ports';
import { assertRecipientPolicy, type DraftRecipients, type RecipientPolicy } from './recipient-policy';
import { createDraftStatus } from './draft-view';
import type {
  AccessTokens,
  ConnectionLookup,
  DraftStore,
  EventLog,
  Gmail,
  SendAudit,
  SendLimits,
  TriggerLookup,
} from './ports';
import { createTelling } from './preview-mark';
import { createSendDraft, type SendDeps, type SendSettings } from './send-draft';
import { createReplyLookup } from './reply-to';
import { createStageDraft, type StageDeps } from './stage-draft';
import { createDraftSweeper, type TellResult } from './sweep-drafts';
import type { Draft, Outcome, SendDecision } from './types';

/** Everything outside the send use cases that they act through. */
export interface SendPorts {
  drafts: DraftStore & DraftEdits;
  audit: SendAudit;
  limits: SendLimits;
  triggers: TriggerLookup;
  connections: ConnectionLookup;
  accessTokens: AccessTokens;
  gmail: Gmail;
  preview: Pick<StageDeps, 'postPreview' | 'promptConnect'> & {
    /** Replaces the preview with the outcome; how Slack took it. */
    show(draft: Draft, outcome: Outcome): Promise<TellResult>;
    showEdited: ShowEdited;
  };
  queue: {
    /** Enqueues the send job (payload: the draft id only; deterministic job id). */
    enqueue(draftId: string): Promise<void>;
    resume(draft: Draft): Promise<void>;
  };
  /** A failed send in words (see SendDeps). */
  describe: SendDeps['describe'];
  clock: Clock;
  log: EventLog;
  countSend(result: SendDecision): void;
}

export interface SendUseCaseSettings {
  signingKey: string;
  ttlMs: number;
  allowExternalAuthors: boolean;
  inFlightMs: number;
  send: SendSettings;
  /** The recipient policy staging applies, checked again after an edit (none: every domain allowed). */
  checkRecipients?: RecipientCheck;
  /** SEND_ALLOWED_DOMAINS and SEND_BLOCKED_DOMAINS: checked at staging and after an edit. */
  recipientPolicy?: RecipientPolicy;
}

/** Stage (the assistant asks), confirm (the person clicks), send (the job), sweep (time passes), status. */
export function createSendUseCases(p: SendPorts, s: SendUseCaseSettings) {
  const { drafts, clock, log } = p;
  const openContent = (draft: Draft) => drafts.openContent(draft);
  const record = createDecisionRecorder({ audit: p.audit, log, countSend: p.countSend });
  const { tell, retell } = createTelling({ show: p.preview.show, drafts, log });
  const checkRecipients = (d: DraftRecipients) => assertRecipientPolicy(d, s.recipientPolicy ?? {});
  const confirm = createConfirmClick({
    drafts,
    clock,
    signingKey: s.signingKey,
    limits: p.limits,
    enqueueSend: p.queue.enqueue,
    openContent,
    record,
    log,
  });
  return {
    stage: createStageDraft({
      triggers: p.triggers,
      connections: p.connections,
      drafts,
      clock,
      consumeDraftQuota: (teamId, userId) => p.limits.consumeDraft(teamId, userId),
      postPreview: p.preview.postPreview,
      promptConnect: p.preview.promptConnect,
      replyTo: createReplyLookup({
        accessTokens: p.accessTokens,
        gmail: p.gmail,
        readScopes: s.send.listScopes,
      }),
      record,
      ttlMs: s.ttlMs,
      allowExternalAuthors: s.allowExternalAuthors,
      checkRecipients,
    }),
    confirm,
    review: createReviewDraft({
      drafts,
      clock,
      signingKey: s.signingKey,
      openContent,
      confirm,
      show: p.preview.show,
      record,
    }),
    sendDraft: createSendDraft({
      drafts,
      clock,
      accessTokens: p.accessTokens,
      gmail: p.gmail,
      openContent,
      describe: p.describe,
      tell,
      record,
      log,
      settings: s.send,
    }),
    sweeper: createDraftSweeper({
      drafts,
      clock,
      record,
      openContent,
      tell,
      retell,
      resume: p.queue.resume,
      inFlightMs: s.inFlightMs,
    }),
    edit: createEditDraft({
      drafts,
      edits: drafts,
      clock,
      signingKey: s.signingKey,
      checkRecipients: s.checkRecipients ?? checkRecipients,
      showEdited: p.preview.showEdited,
      record,
      log,
    }),
    status: createDraftStatus(drafts),
  };
}
