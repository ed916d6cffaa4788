import type { MailboxRecord, MailHeaders } from './types';

/** The new-mail event for the assistant: ids and headers only, never a body or a snippet. */
export function newMailEvent(mailbox: MailboxRecord, mail: MailHeaders, now: Date): Record<string, unknown> {
  return {
    type: 'gmail.message.received',
    // Stable per message, so a receiver can ignore a repeat.
    id: `${mailbox.id}:${mail.id}`,
    sent_at: now.toISOString(),
    team_id: mailbox.teamId,
    user_id: mailbox.userId,
    gmail_message_id: mail.id,
    gmail_thread_id: mail.threadId,
    from: mail.from,
    subject: mail.subject,
    received_at: mail.receivedAt.toISOString(),
  };
}
