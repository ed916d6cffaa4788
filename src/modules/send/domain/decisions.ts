import type { Sealer } from '../../../shared/crypto';
import type { AuditEntry } from '../../../shared/audit-store';
import { auditDetailsContext } from '../../../shared/audit-store';
import type { Draft, DraftContent, SendDecision } from './types';

/** The slice of a pino logger the send use cases write to. */
export interface EventLog {
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
}

export const SEND_AUDIT_EVENT = 'gmail_oauth_send_audit';

export interface DecisionDeps {
  audit: { record(e: AuditEntry): Promise<void> };
  sealer: Sealer;
  log: EventLog;
  countSend(result: SendDecision): void;
}

export interface Decision {
  teamId: string;
  userId: string;
  draftId: string;
  result: SendDecision;
  recipientCount?: number;
  gmailMessageId?: string;
  reason?: string;
  /** Recipients and subject go into the audit row sealed; the body never does. */
  content?: DraftContent;
}

export type RecordDecision = (d: Decision) => Promise<void>;

/** Every send decision: an audit row, a structured log event and a metric — never the body. */
export function createDecisionRecorder(deps: DecisionDeps): RecordDecision {
  return async (d) => {
    const sealed = d.content
      ? deps.sealer.seal(
          JSON.stringify({
            to: d.content.to,
            cc: d.content.cc,
            bcc: d.content.bcc,
            subject: d.content.subject,
          }),
          auditDetailsContext(d.teamId, d.userId, 'send', d.draftId),
        )
      : undefined;
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
    await deps.audit.record({
      teamId: d.teamId,
      userId: d.userId,
      kind: 'send',
      result: d.result,
      draftId: d.draftId,
      recipientCount: d.recipientCount,
      gmailMessageId: d.gmailMessageId,
      reason: d.reason,
      sealed,
    });
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
