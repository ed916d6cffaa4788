import { sendErrors, type SendErrorCode } from './errors';
import { parseMailbox } from './addresses';
import { bodyTextProblem, unsafeTextProblem } from './unsafe-text';
import type { Mailbox } from './types';
import { REVIEW_BODY_CHARS, fitsReview } from './body-view';

export const MAX_RECIPIENTS = 50;
export const MAX_SUBJECT_LENGTH = 998;
export const MAX_BODY_BYTES = 100 * 1024;

export interface DraftRequest {
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  body: string;
}

export interface ValidDraft {
  to: Mailbox[];
  cc: Mailbox[];
  bcc: Mailbox[];
  subject: string;
  body: string;
}

const invalid = (field: string, code: SendErrorCode, message: string) =>
  sendErrors.fail(code, message, { details: { field } });

function mailboxes(field: 'to' | 'cc' | 'bcc', values: string[]): Mailbox[] {
  return values.map((value, i) => {
    const parsed = parseMailbox(value);
    if ('problem' in parsed) {
      throw invalid(`${field}[${i}]`, 'invalid_address', `${field}[${i}]: ${parsed.problem}`);
    }
    return parsed;
  });
}

/**
 * Everything that can be checked without a database: strict addresses, counts, lengths, no line
 * break or NUL in anything that becomes a header, nothing invisible or that reorders what the person
 * reads (in the body too), and only text that UTF-8 can carry. Errors name the field, and the
 * character and its index, so the assistant can fix it.
 */
export function validateDraft(req: DraftRequest): ValidDraft {
  const to = mailboxes('to', req.to);
  const cc = mailboxes('cc', req.cc);
  const bcc = mailboxes('bcc', req.bcc);
  if (to.length === 0) throw invalid('to', 'invalid_address', 'to: at least one recipient is required');
  const total = to.length + cc.length + bcc.length;
  if (total > MAX_RECIPIENTS) {
    throw invalid(
      'to',
      'too_many_recipients',
      `${total} recipients in to, cc and bcc together; at most ${MAX_RECIPIENTS} are allowed`,
    );
  }
  // Checked before trimming: an invisible character at either end is refused, not silently dropped.
  const unsafe = unsafeTextProblem(req.subject, { allowTab: true });
  if (unsafe) throw invalid('subject', 'invalid_subject', `subject ${unsafe}`);
  const subject = req.subject.trim();
  if (subject.length > MAX_SUBJECT_LENGTH) {
    throw invalid('subject', 'invalid_subject', `subject is longer than ${MAX_SUBJECT_LENGTH} characters`);
  }
  // Everything in the body must be visible as it is sent: no control character but tab, LF and
  // CRLF, nothing that reorders the text, no invisible format character (the error names it and where).
  const hidden = bodyTextProblem(req.body);
  if (hidden) throw invalid('body', 'invalid_body', `body ${hidden}`);
  if (Buffer.byteLength(req.body, 'utf8') > MAX_BODY_BYTES) {
    throw invalid('body', 'body_too_large', `body is larger than ${MAX_BODY_BYTES / 1024} KB`);
  }
  // The person must be able to read all of it before Send: the longest body Slack can show whole.
  if (!fitsReview(req.body)) {
    throw invalid(
      'body',
      'body_too_long',
      `body is ${req.body.length} characters; at most ${REVIEW_BODY_CHARS} characters can be shown to the person before sending`,
    );
  }
  return { to, cc, bcc, subject, body: req.body };
}
