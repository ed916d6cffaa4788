import type { GmailFailure } from './ports';

/** A reason for the audit row (`code`) and its wording for the person and the assistant (`text`). */
export interface Failure {
  code: string;
  text: string;
}

export const FAILURES = {
  notConnected: {
    code: 'not_connected',
    text: 'Gmail is no longer connected. Run /ai-email-connect, then ask the assistant again.',
  },
  connectionInvalid: {
    code: 'connection_invalid',
    text: 'Google no longer accepts your Gmail connection. Run /ai-email-connect to reconnect, then ask the assistant again.',
  },
  connectionChanged: {
    code: 'connection_changed',
    text: 'The connected Gmail account changed after this email was prepared, so it was not sent.',
  },
  credentialsUnreadable: {
    code: 'credentials_unreadable',
    text: 'The stored Gmail credentials cannot be read. Run /ai-email-connect to reconnect.',
  },
  draftUnreadable: { code: 'draft_unreadable', text: 'The stored email cannot be read, so it was not sent.' },
  tokenUnavailable: {
    code: 'token_unavailable',
    text: 'Google could not be reached to authorize the send. Nothing was sent; try again later.',
  },
  noAnswer: {
    code: 'gmail_no_answer',
    text: 'Gmail did not confirm whether it sent this email (it timed out or had an error). Check your Sent folder before asking again.',
  },
  notInSent: {
    code: 'not_found_in_sent',
    text: 'Gmail did not confirm the send and the email has not shown up in your Sent folder. Check Sent before asking again.',
  },
} satisfies Record<string, Failure>;

/**
 * Answers that prove Gmail did not send: a 4xx, or a connection that never opened. Timeouts, 5xx
 * and connections lost after the request was written are ambiguous and never resent.
 */
export function isProvenNotSent(f: GmailFailure): boolean {
  switch (f.kind) {
    case 'rate_limited':
    case 'unauthorized':
    case 'forbidden':
    case 'bad_request':
    case 'not_found':
    case 'invalid_grant':
      return true;
    case 'network':
      return f.neverConnected === true;
    default:
      return false;
  }
}

export function gmailFailure(f: GmailFailure): Failure {
  const status = f.status ? ` (${f.status})` : '';
  switch (f.kind) {
    case 'rate_limited':
      return {
        code: 'gmail_rate_limited',
        text: 'Gmail kept refusing because of its sending limits. Nothing was sent; try again later.',
      };
    case 'unauthorized':
    case 'invalid_grant':
      return {
        code: `gmail_${f.kind}`,
        text: 'Gmail did not accept the connection. Nothing was sent; run /ai-email-connect to reconnect.',
      };
    case 'forbidden':
      return {
        code: 'gmail_forbidden',
        text: `Gmail refused to send it${status}: permission denied. Nothing was sent; reconnect with /ai-email-connect.`,
      };
    case 'network':
      return {
        code: 'gmail_unreachable',
        text: 'Gmail could not be reached. Nothing was sent; try again later.',
      };
    default:
      return {
        code: `gmail_${f.kind}`,
        text: `Gmail rejected the message${status}: ${f.message.slice(0, 200)}. Nothing was sent.`,
      };
  }
}
