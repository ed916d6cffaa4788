import { addressMrkdwn, codeMrkdwn } from '../../shared/mrkdwn';
import { knownErrors } from '../../shared/slack-answer';
import type { SlackMessenger } from '../../shared/slack-messenger';
import { connectErrors } from './domain/errors';
import type { DisconnectResult } from './domain/disconnect';
import type { Notices } from './domain/ports';
import { assessStatus, type StatusCheck, type StatusReport } from './domain/status';
import type { Connection, ConnectNotice, MailboxSummary } from './domain/types';

const SCOPE_LABELS: Record<string, string> = {
  'https://www.googleapis.com/auth/gmail.send': 'send',
  'https://www.googleapis.com/auth/gmail.metadata': 'read headers',
  'https://www.googleapis.com/auth/gmail.readonly': 'read',
  'https://www.googleapis.com/auth/gmail.modify': 'modify',
};

const day = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

function notificationLines(n: Extract<StatusReport, { kind: 'connected' }>['notifications']): string[] {
  switch (n.kind) {
    case 'off':
      return [
        n.canRead
          ? 'New-mail notifications: off. Turn them on with `/ai-email-notifications on`.'
          : 'New-mail notifications: off (needs permission to read headers; `/ai-email-notifications on` asks for it).',
      ];
    case 'lapsed':
    case 'healthy':
      return [
        n.kind === 'lapsed'
          ? `New-mail notifications: on, but the Gmail watch has lapsed${n.reason ? ` (${n.reason})` : ''}. Run \`/ai-email-notifications on\` to restart it.`
          : `New-mail notifications: on; watch healthy until ${day(n.until)}.${n.note ? ` Note: ${n.note}.` : ''}`,
        `Last notification: ${n.lastNotifiedAt ? day(n.lastNotifiedAt) : 'none yet'}.`,
      ];
  }
}

/** The one-message answer to /ai-email-status. */
export function statusReportText(report: StatusReport): string {
  if (report.kind === 'not_connected') {
    return 'Gmail is not connected. Run `/ai-email-connect` to connect your Gmail.';
  }
  if (report.kind === 'invalid') {
    return `Your Gmail connection (${addressMrkdwn(report.email)}) is no longer valid — Google refused it (access removed or password changed). Run \`/ai-email-connect\` to reconnect.`;
  }
  const scopes = report.scopes.map((s) => SCOPE_LABELS[s]).filter(Boolean);
  return [
    `Connected as *${addressMrkdwn(report.email)}* since ${day(report.since)}.`,
    `Permissions: ${scopes.join(', ') || 'send'}.`,
    ...notificationLines(report.notifications),
  ].join('\n');
}

/** The status text of a connection and its mailbox at `now`. */
export const describeStatus = (
  connection: Connection | undefined,
  mailbox: MailboxSummary | undefined,
  now: Date,
) => statusReportText(assessStatus(connection, mailbox, now));

const PROBLEM_TEXT = {
  credentials_unreadable:
    'The stored credentials cannot be read (encryption key missing or data damaged). Run `/ai-email-connect` to reconnect.',
  google_unreachable: 'Google could not be reached to check the connection just now.',
} as const;

export function statusText(check: StatusCheck): string {
  const text = statusReportText(check.report);
  return check.problem ? `${text}\n:warning: ${PROBLEM_TEXT[check.problem.kind]}` : text;
}

const REVOCATION_TEXT = {
  revoked: ' and Google revoked it',
  pending: '; revoking it at Google will be retried in the background',
  kept_in_use: ' (the Google account stays authorized because another Slack user is connected to it)',
  token_unreadable: '',
} as const;

export function disconnectText(result: DisconnectResult): string {
  if (result.status === 'not_connected') return 'Gmail is not connected; there is nothing to disconnect.';
  return `Disconnected ${addressMrkdwn(result.email)}. Mailbridge forgot its access${REVOCATION_TEXT[result.revocation]}. Notifications are off and pending emails were cancelled.`;
}

export function noticeText(notice: ConnectNotice, teamId?: string): string {
  if (notice.kind === 'link_refused') {
    const { signedInAs: other } = notice;
    const who =
      other.teamId === teamId && /^[UW][A-Z0-9]{2,}$/.test(other.userId)
        ? `<@${other.userId}>`
        : `the Slack account ${codeMrkdwn(`${other.teamId}/${other.userId}`)}`;
    // After the person's own right code their connect may have gone on, so "nothing was connected" could be false.
    return notice.afterUse
      ? `Someone else (${who}) opened the Gmail connect link made for you and signed in with Slack after you had entered its code, so the link was disabled. Your own connection is not affected; \`/ai-email-status\` shows whether it completed. Keep connect links to yourself.`
      : `Someone else (${who}) opened the Gmail connect link made for you and signed in with Slack, so the link was disabled. Nothing was connected. If you still want to connect, run \`/ai-email-connect\` again and keep the link to yourself.`;
  }
  if (notice.kind === 'mailbox_claimed') {
    const who = /^[UW][A-Z0-9]{2,}$/.test(notice.by) ? `<@${notice.by}>` : codeMrkdwn(notice.by);
    return notice.shared
      ? `${who} also connected your Gmail account ${addressMrkdwn(notice.email)} to Mailbridge; this workspace allows shared mailboxes, so they can now prepare emails from it too. If that is not right, change the password of that Google account and remove Mailbridge's access at myaccount.google.com.`
      : `${who} tried to connect your Gmail account ${addressMrkdwn(notice.email)} to Mailbridge. It was refused: an account is connected by one person only. Nothing changed for you; if you did not expect this, check who knows that account's password.`;
  }
  if (notice.kind === 'invalid') {
    return `Your Gmail connection (${addressMrkdwn(notice.email)}) stopped working: Google no longer accepts it (access removed, password changed or expired). Run \`/ai-email-connect\` to reconnect.`;
  }
  return notice.purpose === 'notifications'
    ? `Gmail access for notifications granted for ${addressMrkdwn(notice.email)}.`
    : `Connected as ${addressMrkdwn(notice.email)}. The assistant can now prepare emails for you; nothing is sent until you click Send.`;
}

/** Notices go to the person's direct messages with the bot. */
export function createNotices(messenger: Pick<SlackMessenger, 'dm'>): Notices {
  return {
    async tell(teamId, userId, notice) {
      await messenger.dm(userId, { text: noticeText(notice, teamId) });
    },
  };
}

/** What Slack says for connect's failures a person can act on; anything else gets the listener's fallback. */
export const CONNECT_ERROR_WORDS = knownErrors(connectErrors, {
  rate_limited: 'Too many connection attempts in the last hour. Please try again later.',
  not_connected: 'Gmail is not connected; run /ai-email-connect',
  connection_invalid: 'the Gmail connection is no longer valid; reconnect with /ai-email-connect',
});

export const COMMAND_FALLBACK = 'Something went wrong on our side. Please try again in a minute.';
