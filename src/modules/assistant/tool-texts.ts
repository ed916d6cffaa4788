import type { DraftView } from '../send/domain/draft-view';
import type { StagedDraft } from '../send/domain/stage-draft';
import type { ConnectionStatusView } from './domain/connection-status';

// Every word the model reads in a tool's successful result.

export function stagedText(staged: StagedDraft): string {
  const where = staged.previewKind === 'dm' ? 'in a direct message' : 'where they asked';
  return [
    `Not sent yet: the email (id ${staged.id}) waits for the person's confirmation.`,
    `They were shown a preview in Slack ${where}; it is sent only if they click Send there before ${staged.expiresAt.toISOString()}.`,
    `Tell them to review it and click Send. Call get_email_status with id ${staged.id} to learn whether it was sent.`,
  ].join(' ');
}

const STATUS_TEXTS: Record<string, string> = {
  pending_confirmation: 'waits for the person to click Send in Slack.',
  sending: 'is being sent.',
  sent: 'was sent.',
  cancelled: 'was cancelled by the person; nothing was sent.',
  expired: 'expired before the person clicked Send; nothing was sent.',
  failed: 'could not be sent; the person was told why in Slack.',
  outcome_unknown: 'may or may not have been sent; the person should check their Sent folder.',
};

export function statusText(view: DraftView): string {
  const said = STATUS_TEXTS[view.status] ?? `is ${view.status}.`;
  const edited = view.edited ? ' The person edited it in Slack before confirming.' : '';
  return `The email ${view.id} ${said}${view.reason ? ` Reason: ${view.reason}.` : ''}${edited}`;
}

export function connectionText(view: ConnectionStatusView): string {
  if (!view.connected && view.status === 'not_connected') {
    return 'The person has not connected Gmail. Suggest that they run /ai-email-connect in Slack.';
  }
  if (!view.connected) {
    return 'The person’s Gmail connection stopped working. Suggest that they run /ai-email-connect in Slack to reconnect.';
  }
  const permissions = view.permissions.join(', ') || 'none';
  return `The person is connected as ${view.email} (permissions: ${permissions}); notifications are ${view.notifications}.`;
}
