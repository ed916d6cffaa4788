import type { Connection } from '../connection-store';
import { READ_SCOPES } from '../../../shared/google-oauth';
import { addressMrkdwn } from '../../../shared/mrkdwn';

export interface MailboxSummary {
  enabled: boolean;
  state: string;
  stateReason: string | null;
  watchExpiresAt: Date | null;
  lastNotifiedAt: Date | null;
}

const SCOPE_LABELS: Record<string, string> = {
  'https://www.googleapis.com/auth/gmail.send': 'send',
  'https://www.googleapis.com/auth/gmail.metadata': 'read headers',
  'https://www.googleapis.com/auth/gmail.readonly': 'read',
  'https://www.googleapis.com/auth/gmail.modify': 'modify',
};

const day = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

/** The one-message answer to /ai-email-status. */
export function describeStatus(
  connection: Connection | undefined,
  mailbox: MailboxSummary | undefined,
  now: Date,
): string {
  if (!connection || connection.status === 'revoked') {
    return 'Gmail is not connected. Run `/ai-email-connect` to connect your Gmail.';
  }
  if (connection.status === 'invalid') {
    return `Your Gmail connection (${addressMrkdwn(connection.email)}) is no longer valid — Google refused it (access removed or password changed). Run \`/ai-email-connect\` to reconnect.`;
  }
  const scopes = connection.scopes.map((s) => SCOPE_LABELS[s]).filter(Boolean);
  const lines = [
    `Connected as *${addressMrkdwn(connection.email)}* since ${day(connection.connectedAt)}.`,
    `Permissions: ${scopes.join(', ') || 'send'}.`,
  ];
  if (!mailbox?.enabled) {
    const canRead = connection.scopes.some((s) => READ_SCOPES.includes(s));
    lines.push(
      canRead
        ? 'New-mail notifications: off. Turn them on with `/ai-email-notifications on`.'
        : 'New-mail notifications: off (needs permission to read headers; `/ai-email-notifications on` asks for it).',
    );
  } else {
    const lapsed = !mailbox.watchExpiresAt || mailbox.watchExpiresAt <= now || mailbox.state === 'lapsed';
    lines.push(
      lapsed
        ? `New-mail notifications: on, but the Gmail watch has lapsed${mailbox.stateReason ? ` (${mailbox.stateReason})` : ''}. Run \`/ai-email-notifications on\` to restart it.`
        : `New-mail notifications: on; watch healthy until ${day(mailbox.watchExpiresAt!)}.${mailbox.state !== 'ok' && mailbox.stateReason ? ` Note: ${mailbox.stateReason}.` : ''}`,
    );
    lines.push(`Last notification: ${mailbox.lastNotifiedAt ? day(mailbox.lastNotifiedAt) : 'none yet'}.`);
  }
  return lines.join('\n');
}
