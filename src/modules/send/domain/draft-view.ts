import type { DraftStore } from './ports';
import type { Draft } from './types';

/** What the assistant may learn about a staged email: its state, never its content. */
export interface DraftView {
  id: string;
  status: string;
  expires_at: string;
  recipient_count: number;
  /** Whether the person edited the email before confirming (what is sent is their last version). */
  edited: boolean;
  sent_at?: string;
  gmail_message_id?: string;
  reason?: string;
  /** Set once retention removed the email's content; the status and ids above stay. */
  content?: 'purged';
}

/** `attempting` is an internal safety state; to the assistant the email is simply being sent. */
const PUBLIC_STATUS: Record<Draft['status'], string> = {
  pending: 'pending_confirmation',
  sending: 'sending',
  attempting: 'sending',
  sent: 'sent',
  cancelled: 'cancelled',
  expired: 'expired',
  failed: 'failed',
  outcome_unknown: 'outcome_unknown',
};

/** A status as the assistant and the person's App Home name it. */
export const publicStatus = (status: Draft['status']): string => PUBLIC_STATUS[status];

export function viewDraft(d: Draft): DraftView {
  return {
    id: d.id,
    status: PUBLIC_STATUS[d.status],
    expires_at: d.expiresAt.toISOString(),
    recipient_count: d.recipientCount,
    edited: d.version > 1,
    ...(d.sentAt ? { sent_at: d.sentAt.toISOString() } : {}),
    ...(d.gmailMessageId ? { gmail_message_id: d.gmailMessageId } : {}),
    ...(d.failureReason ? { reason: d.failureReason } : {}),
    ...(d.sealedContent ? {} : { content: 'purged' as const }),
  };
}

/** The assistant's look at one staged email; undefined when no draft has this id. */
export const createDraftStatus =
  (drafts: Pick<DraftStore, 'findById'>) =>
  async (id: string): Promise<DraftView | undefined> => {
    const draft = await drafts.findById(id);
    return draft && viewDraft(draft);
  };
