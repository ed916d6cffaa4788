import type { SlackMessage } from '../../shared/slack-messenger';
import type { DisableResult, EnableResult } from './domain/mailbox-control';
import type { ConnectionView } from './domain/ports';
import type { Failure, MailboxProblem, MailboxRecord, OwnerNotice } from './domain/types';
import { addressMrkdwn, typedCodeMrkdwn } from '../../shared/mrkdwn';

const day = (d: Date) => `${d.toISOString().slice(0, 10)}`;
const when = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The connect (or notifications) prompt of connect, for the person who ran the command. */
export type Prompt = (purpose: 'connect' | 'notifications') => Promise<SlackMessage>;

export const NOTIFY_USAGE =
  'Usage: `/ai-email-notifications on` (new Gmail inbox mail arrives here as a DM), `/ai-email-notifications off`, or `/ai-email-notifications status`.';

export const unknownArgumentReply = (arg: string): SlackMessage => ({
  text: `I did not understand ${typedCodeMrkdwn(arg, 40)}. ${NOTIFY_USAGE}`,
});

export const FAILED_REPLY = 'Something went wrong on our side. Please try again in a minute.';

/** The answer to `/ai-email-notifications on` (and to a finished "Grant access"). */
export async function enableReply(result: EnableResult, prompt: Prompt): Promise<SlackMessage> {
  switch (result.kind) {
    case 'not_connected': {
      const connect = await prompt('connect');
      const first = 'Connect your Gmail first, then run `/ai-email-notifications on` again.';
      return {
        text: `${first} ${connect.text}`,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: first } }, ...(connect.blocks ?? [])],
      };
    }
    case 'needs_grant':
      return prompt('notifications');
    case 'connection_invalid':
      return {
        text: `Your Gmail connection (${addressMrkdwn(result.email)}) is no longer valid. Run \`/ai-email-connect\` to reconnect, then \`/ai-email-notifications on\`.`,
      };
    case 'failed':
      return {
        text: `Could not turn on new-mail notifications for ${addressMrkdwn(result.email)}: ${failureText(result.failure)}. Please try again in a minute.`,
      };
    case 'enabled':
      return {
        text: `New-mail notifications are ${result.alreadyOn ? 'already ' : ''}on for ${addressMrkdwn(result.email)}: new inbox mail arrives here as a direct message (promotions, social, updates and forums are skipped). The Gmail watch runs until ${day(result.watchExpiresAt)} and is renewed automatically. Turn them off with \`/ai-email-notifications off\`.`,
      };
  }
}

export function disableReply(result: DisableResult): SlackMessage {
  switch (result.kind) {
    case 'not_connected':
      return { text: 'Gmail is not connected, so there are no notifications to turn off.' };
    case 'already_off':
      return { text: 'New-mail notifications are already off.' };
    case 'disabled':
      return {
        text: `New-mail notifications for ${addressMrkdwn(result.email)} are off. Turn them on again with \`/ai-email-notifications on\`.`,
      };
  }
}

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

/** What the owner reads in their DM when notify has something to tell them. */
export function noticeText(mailbox: Pick<MailboxRecord, 'email'>, notice: OwnerNotice): string {
  switch (notice.kind) {
    case 'history_lost': {
      const n = notice.recovered;
      return `Mailbridge lost track of your Gmail inbox for a while (Gmail no longer had the changes since the last check), so some new-mail notifications may have been missed. ${
        n
          ? `${n === 1 ? 'The recent message above was' : `The ${n} recent messages above were`} not announced before.`
          : 'No recent unannounced messages were found.'
      }`;
    }
    case 'watch_lapsed':
      return `New-mail notifications for ${addressMrkdwn(mailbox.email)} have stopped: the Gmail watch lapsed and could not be renewed (${failureText(notice.failure)}). Run \`/ai-email-notifications on\` to restart them.`;
  }
}

const GMAIL_UNREACHABLE =
  'Gmail could not be reached after several tries; the next new mail triggers another attempt';
const SLACK_UNREACHABLE =
  'Slack could not be reached after several tries; the next new mail triggers another attempt';
const GRANT_GONE = 'Google no longer accepts the Gmail connection (access removed or expired)';

/**
 * A sentence for /ai-email-status explaining why notifications are not flowing. Every notify code
 * has its words here; an error's own message is never shown for them (it is written for the logs).
 */
export function failureText({ code, reason, message }: Failure): string {
  switch (code) {
    case undefined:
      // Another module's failure the person can act on (failureOf keeps only those messages).
      return message ?? 'an internal error stopped the last check; it is retried with the next new mail';
    case 'gmail_forbidden':
      return reason === 'insufficientPermissions'
        ? 'Gmail no longer grants permission to read new-mail headers; run `/ai-email-notifications on` to grant it again'
        : `Gmail refused access (${reason ?? '403'})`;
    case 'gmail_bad_request':
      return `Gmail rejected the request (${reason ?? '400'})`;
    case 'gmail_invalid_grant':
      return GRANT_GONE;
    case 'gmail_not_found':
    case 'gmail_bad_response':
      return `Gmail gave an unexpected answer${reason ? ` (${reason})` : ''}`;
    case 'gmail_rate_limited':
    case 'gmail_server':
    case 'gmail_timeout':
    case 'gmail_network':
    case 'gmail_unauthorized':
      return GMAIL_UNREACHABLE;
    case 'slack_refused':
      return `Slack refused the direct message (${reason ?? 'error'})`;
    case 'slack_rate_limited':
    case 'slack_unavailable':
      return SLACK_UNREACHABLE;
    case 'notify_post_in_flight':
      return 'Slack did not confirm an announcement in time; the next new mail triggers another attempt';
  }
}

/** The reason a mailbox keeps (mailboxes.state_reason), shown by the status commands. */
export function problemText(problem: MailboxProblem): string {
  switch (problem.kind) {
    case 'turned_off':
      return 'turned off with /ai-email-notifications off';
    case 'disconnected':
      return 'Gmail was disconnected';
    case 'grant_invalid':
      return GRANT_GONE;
    case 'connection_gone':
      return 'the Gmail connection is no longer valid';
    case 'watch_expired':
      return 'the Gmail watch expired; renewing it';
    case 'renewal_failed':
      return `renewing the Gmail watch failed: ${failureText(problem.failure)}`;
    case 'failed':
      return failureText(problem.failure);
    case 'history_lost':
      return `Gmail history was lost on ${when(problem.at)}; recent inbox messages were checked, some mail may have been missed`;
    case 'recorded':
      return problem.text;
  }
}
