import { randomBytes, randomUUID } from 'node:crypto';
import { sendErrors } from './errors';
import type { Clock } from '../../../shared/clock';
import { refuseExternalAuthor, resolveSender } from './resolve-sender';
import { validateDraft, type DraftRequest, type ValidDraft } from './validate-draft';
import type { RecordDecision } from './decisions';
import type { ReplyLookup } from './reply-to';
import type {
  ConnectionLookup,
  DraftStore,
  LimitCheck,
  NewDraft,
  SenderConnection,
  TriggerLookup,
  TriggerMessage,
} from './ports';
import type { DraftContent, PreviewKind } from './types';

export interface StageRequest extends DraftRequest {
  triggerTs: string;
  channelId?: string;
  /** The Gmail id of the email this one answers, in its thread. */
  inReplyTo?: string;
  /** The keyed hash of the identical-request check, kept on the draft. */
  requestHash?: string;
}

export interface StagedDraft {
  id: string;
  expiresAt: Date;
  previewKind: PreviewKind;
}

export interface StageDeps {
  triggers: TriggerLookup;
  connections: ConnectionLookup;
  drafts: DraftStore;
  clock: Clock;
  consumeDraftQuota(teamId: string, userId: string): Promise<LimitCheck>;
  /** Posts the Send/Cancel preview; an ephemeral where the trigger was, else a DM. Throws if neither works. */
  postPreview(
    draft: NewDraft,
    content: DraftContent,
  ): Promise<{ kind: PreviewKind; channel?: string; ts?: string }>;
  /** Shows the owner how to connect (or reconnect), where the trigger was. Best effort. */
  promptConnect(trigger: TriggerMessage): Promise<void>;
  replyTo: ReplyLookup;
  record: RecordDecision;
  ttlMs: number;
  /** ALLOW_SLACK_CONNECT_TRIGGERS: whether authors from other workspaces may stage emails. */
  allowExternalAuthors: boolean;
  /** The recipient policy (SEND_ALLOWED_DOMAINS, SEND_BLOCKED_DOMAINS): throws its refusal. */
  checkRecipients?(draft: ValidDraft): void;
}

/** Our own Message-ID, fixed at draft time, so an ambiguous send can be found in Sent later. */
export const newMessageId = (fromEmail: string) =>
  `<mb.${randomBytes(16).toString('hex')}@${fromEmail.split('@')[1] ?? 'mailbridge.invalid'}>`;

export function createStageDraft(deps: StageDeps) {
  async function connectionFor(trigger: TriggerMessage, userId: string): Promise<SenderConnection> {
    const connection = await deps.connections.findByUser(trigger.teamId, userId);
    if (connection?.status === 'active') return connection;
    await deps.promptConnect(trigger);
    if (connection?.status === 'invalid') {
      throw sendErrors.fail(
        'connection_invalid',
        "The person's Gmail connection stopped working; they were asked in Slack to reconnect with /ai-email-connect. Nothing was staged.",
      );
    }
    throw sendErrors.fail(
      'not_connected',
      'The person has not connected Gmail; they were shown how in Slack (/ai-email-connect). Nothing was staged.',
    );
  }

  /** Stages an email for its owner's confirmation; nothing is sent here. */
  return async function stageDraft(req: StageRequest): Promise<StagedDraft> {
    const valid = validateDraft(req);
    deps.checkRecipients?.(valid);
    const now = deps.clock.now();
    const trigger = resolveSender(
      await deps.triggers.findByTs(undefined, req.triggerTs, req.channelId),
      now,
      req.channelId !== undefined,
    );
    refuseExternalAuthor(trigger, deps.allowExternalAuthors);
    const userId = trigger.userId!;
    const quota = await deps.consumeDraftQuota(trigger.teamId, userId);
    if (!quota.allowed) {
      const retryAfterSeconds = Math.ceil(quota.retryAfterMs / 1000);
      throw sendErrors.fail(
        'rate_limited',
        `Too many emails staged for this person in the last hour; try again in ${Math.ceil(retryAfterSeconds / 60)} minutes.`,
        { details: { retry_after_seconds: retryAfterSeconds } },
      );
    }
    const connection = await connectionFor(trigger, userId);
    const reply = req.inReplyTo ? await deps.replyTo(connection, req.inReplyTo) : undefined;
    const content: DraftContent = { from: connection.email, ...valid, ...(reply ? { reply } : {}) };
    const id = randomUUID();
    const draft: NewDraft = {
      id,
      teamId: trigger.teamId,
      userId,
      connectionId: connection.id,
      channelId: trigger.channelId,
      triggerTs: trigger.ts,
      threadTs: trigger.threadTs,
      recipientCount: valid.to.length + valid.cc.length + valid.bcc.length,
      status: 'pending',
      messageIdHeader: newMessageId(connection.email),
      gmailMessageId: null,
      failureReason: null,
      previewKind: null,
      previewChannel: null,
      previewTs: null,
      responseUrl: null,
      previewOutcome: null,
      expiresAt: new Date(now.getTime() + deps.ttlMs),
      version: 1,
      editedAt: null,
      requestHash: req.requestHash ?? null,
    };
    await deps.drafts.create(draft, content);
    const base = { teamId: draft.teamId, userId, draftId: id, recipientCount: draft.recipientCount, content };

    let preview: Awaited<ReturnType<StageDeps['postPreview']>>;
    try {
      preview = await deps.postPreview(draft, content);
    } catch (cause) {
      await deps.drafts.transition(
        id,
        ['pending'],
        'failed',
        { failureReason: 'preview_undeliverable' },
        { neverStaged: true },
      );
      await deps.record({ ...base, result: 'failed', reason: 'preview_undeliverable' });
      throw sendErrors.fail(
        'slack_unavailable',
        'The confirmation could not be shown to the person in Slack; nothing was staged. Try again shortly.',
        { cause },
      );
    }
    await deps.drafts.update(id, {
      previewKind: preview.kind,
      previewChannel: preview.channel ?? null,
      previewTs: preview.ts ?? null,
    });
    await deps.record({ ...base, result: 'staged', reason: `preview_${preview.kind}` });
    return { id, expiresAt: draft.expiresAt, previewKind: preview.kind };
  };
}

export type StageDraft = ReturnType<typeof createStageDraft>;
