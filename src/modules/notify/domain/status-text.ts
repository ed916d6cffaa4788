import type { ConnectionView } from './mailbox-control';
import type { MailboxRecord } from './types';
import { addressMrkdwn } from '../../../shared/mrkdwn';

const when = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The answer to /ai-email-notifications status. */
export function describeNotifications(
  connection: ConnectionView | undefined,
  mailbox: MailboxRecord | undefined,
  now: Date,
): string {
  if (!connection || connection.status === 'revoked')
    return 'Gmail is not connected. Run `/ai-email-connect` first, then `/ai-email-notifications on`.';
  if (connection.status === 'invalid')
    return `Notifications are off: your Gmail connection (${addressMrkdwn(connection.email)}) is no longer valid. Run \`/ai-email-connect\` to reconnect.`;
  if (!mailbox?.enabled) {
    return `New-mail notifications for ${addressMrkdwn(connection.email)} are off. Turn them on with \`/ai-email-notifications on\`.${
      mailbox?.state === 'error' && mailbox.stateReason ? ` (Last problem: ${mailbox.stateReason}.)` : ''
    }`;
  }
  const lines = [`New-mail notifications for ${addressMrkdwn(connection.email)} are on.`];
  const lapsed = mailbox.state === 'lapsed' || !mailbox.watchExpiresAt || mailbox.watchExpiresAt <= now;
  lines.push(
    lapsed
      ? `:warning: The Gmail watch has lapsed${mailbox.stateReason ? ` (${mailbox.stateReason})` : ''}; run \`/ai-email-notifications on\` to restart it.`
      : `Gmail watch healthy until ${when(mailbox.watchExpiresAt as Date)} (renewed daily).`,
  );
  if (!lapsed && mailbox.state !== 'ok' && mailbox.stateReason)
    lines.push(`:warning: ${mailbox.stateReason}.`);
  lines.push(`Last notification: ${mailbox.lastNotifiedAt ? when(mailbox.lastNotifiedAt) : 'none yet'}.`);
  return lines.join('\n');
}
