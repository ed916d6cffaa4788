import type { EventLog, SendAudit, SendAuditEntry } from './ports';
import type { Draft, DraftContent, SendDecision } from './types';

export const SEND_AUDIT_EVENT = 'gmail_oauth_send_audit';

export interface DecisionDeps {
  audit: SendAudit;
  log: EventLog;
  countSend(result: SendDecision): void;
}

/** A send decision as the use cases tell it: the audit entry, with the whole content instead of its recipients. */
export interface Decision extends Omit<SendAuditEntry, 'recipients'> {
  /** Recipients and subject go into the audit row sealed; the body never does. */
  content?: DraftContent;
}

export type RecordDecision = (d: Decision) => Promise<void>;

/** Every send decision: an audit row, a structured log event and a metric — never the body. */
export function createDecisionRecorder(deps: DecisionDeps): RecordDecision {
  return async ({ content, ...d }) => {
    deps.log.info(
      {
        event: SEND_AUDIT_EVENT,
        team: d.teamId,
        user: d.userId,
        draft_id: d.draftId,
        result: d.result,
        recipient_count: d.recipientCount,
        gmail_message_id: d.gmailMessageId,
        reason: d.reason,
      },
      SEND_AUDIT_EVENT,
    );
    deps.countSend(d.result);
    const recipients = content
      ? { to: content.to, cc: content.cc, bcc: content.bcc, subject: content.subject }
      : undefined;
    await deps.audit.record({ ...d, recipients });
  };
}

/** The decision fields a draft already carries. */
export const aboutDraft = (draft: Draft) => ({
  teamId: draft.teamId,
  userId: draft.userId,
  draftId: draft.id,
  recipientCount: draft.recipientCount,
});

/** The draft's content for an audit row or an outcome message; a draft that cannot be opened has none. */
export function tryOpen(open: (d: Draft) => DraftContent, draft: Draft): DraftContent | undefined {
  try {
    return open(draft);
  } catch {
    return undefined;
  }
}
