import type { GmailFailure } from './ports';

/**
 * Why a send did not go out, or may not have: the audit row's reason (`code`), with what its
 * wording needs (failure-texts.ts words it for the person and the assistant).
 */
export type SendFailure =
  | { code: PlainFailureCode }
  | { code: 'gmail_forbidden'; status?: number }
  | { code: GmailRejectionCode; status?: number; message: string };

/** Reasons whose wording needs nothing more than the reason itself. */
export type PlainFailureCode =
  | 'not_connected'
  | 'connection_invalid'
  | 'connection_changed'
  | 'credentials_unreadable'
  | 'draft_unreadable'
  | 'token_unavailable'
  | 'gmail_no_answer'
  | 'not_found_in_sent'
  | 'gmail_rate_limited'
  | 'gmail_unauthorized'
  | 'gmail_invalid_grant'
  | 'gmail_unreachable';

export type GmailRejectionCode = 'gmail_not_found' | 'gmail_bad_request' | 'gmail_server' | 'gmail_timeout';

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

/** Refusals that carry nothing but their code; the others keep Gmail's status (and message). */
const BARE_REFUSALS: Partial<Record<GmailFailure['kind'], PlainFailureCode>> = {
  rate_limited: 'gmail_rate_limited',
  unauthorized: 'gmail_unauthorized',
  invalid_grant: 'gmail_invalid_grant',
  network: 'gmail_unreachable',
};

/** Gmail's refusal of a message it did not send. */
export function gmailRefusal(f: GmailFailure): SendFailure {
  const bare = BARE_REFUSALS[f.kind];
  if (bare) return { code: bare };
  if (f.kind === 'forbidden') return { code: 'gmail_forbidden', status: f.status };
  return { code: `gmail_${f.kind}` as GmailRejectionCode, status: f.status, message: f.message };
}
