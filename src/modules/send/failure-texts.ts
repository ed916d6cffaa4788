import type { PlainFailureCode, SendFailure } from './domain/send-failures';

const FIXED_TEXTS = {
  not_connected: 'Gmail is no longer connected. Run /ai-email-connect, then ask the assistant again.',
  connection_invalid:
    'Google no longer accepts your Gmail connection. Run /ai-email-connect to reconnect, then ask the assistant again.',
  connection_changed:
    'The connected Gmail account changed after this email was prepared, so it was not sent.',
  credentials_unreadable: 'The stored Gmail credentials cannot be read. Run /ai-email-connect to reconnect.',
  draft_unreadable: 'The stored email cannot be read, so it was not sent.',
  token_unavailable: 'Google could not be reached to authorize the send. Nothing was sent; try again later.',
  gmail_no_answer:
    'Gmail did not confirm whether it sent this email (it timed out or had an error). Check your Sent folder before asking again.',
  not_found_in_sent:
    'Gmail did not confirm the send and the email has not shown up in your Sent folder. Check Sent before asking again.',
  gmail_rate_limited: 'Gmail kept refusing because of its sending limits. Nothing was sent; try again later.',
  gmail_unauthorized:
    'Gmail did not accept the connection. Nothing was sent; run /ai-email-connect to reconnect.',
  gmail_invalid_grant:
    'Gmail did not accept the connection. Nothing was sent; run /ai-email-connect to reconnect.',
  gmail_unreachable: 'Gmail could not be reached. Nothing was sent; try again later.',
} satisfies Record<PlainFailureCode, string>;

/**
 * A failed send in the words the person reads on the preview and the assistant reads as the
 * draft's `reason` (stored on the draft, so the wording of past failures stays as it was).
 */
export function failureText(f: SendFailure): string {
  switch (f.code) {
    case 'gmail_forbidden':
      return `Gmail refused to send it${statusOf(f.status)}: permission denied. Nothing was sent; reconnect with /ai-email-connect.`;
    case 'gmail_not_found':
    case 'gmail_bad_request':
    case 'gmail_server':
    case 'gmail_timeout':
      return `Gmail rejected the message${statusOf(f.status)}: ${f.message.slice(0, 200)}. Nothing was sent.`;
    default:
      return FIXED_TEXTS[f.code];
  }
}

const statusOf = (status: number | undefined) => (status ? ` (${status})` : '');
