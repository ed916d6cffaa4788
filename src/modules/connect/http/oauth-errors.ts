import type { ConnectErrorCode } from '../domain/errors';
import { connectErrors } from '../domain/errors';
import { AGAIN, page, type Details, type PageAnswer } from './page-answer';
import { SLACK_SIGN_IN_ANSWERS } from './slack-sign-in-answers';

const FALLBACK = { title: 'Could not connect', next: `Please try again in a few minutes. ${AGAIN}` };
const OURS: PageAnswer = { show: 'ours', status: 502 };

const triesLeft = (d: Details) => {
  const left = Number(d?.attemptsLeft);
  return `That code is not right. ${left} ${left === 1 ? 'try' : 'tries'} left.`;
};
const connectedAccount = (d: Details) =>
  `Please choose the Google account already connected${typeof d?.email === 'string' ? ` (${d.email})` : ''}.`;
const takenAccount = (d: Details) =>
  `This Google account${typeof d?.email === 'string' ? ` (${d.email})` : ''} is already connected to Mailbridge by another person in this workspace. Nothing was connected.`;
const idTokenInvalid = (d: Details) =>
  d?.flaw === 'claims'
    ? 'Google ID token lacks an issuer, subject or email'
    : 'Google ID token failed verification';

/** Each code's status and page on the connect pages: the one table of this transport, every word the page shows. */
const ANSWERS = {
  rate_limited: page(429, 'Too many connection attempts in the last hour. Please try again later.'),
  pairing_unknown: page(404, 'This connection link is not valid.', 'Link not valid', AGAIN),
  pairing_used: page(410, 'This connection link was already used.', 'Link already used', AGAIN),
  pairing_expired: page(410, 'This connection link has expired.', 'Link expired', AGAIN),
  pairing_burnt: page(
    410,
    'Too many wrong codes were entered for this link, so it was disabled.',
    'Link disabled',
    AGAIN,
  ),
  code_wrong: { show: 'start page', status: 400, message: triesLeft },
  ...SLACK_SIGN_IN_ANSWERS,
  form_invalid: page(
    400,
    'The form was incomplete.',
    'Form incomplete',
    `Open the link from <code>/ai-email-connect</code> in Slack again.`,
  ),
  form_foreign: page(
    403,
    'This form was not sent from the Mailbridge page in this browser.',
    'Please use the link from Slack',
    `Open the link from <code>/ai-email-connect</code> in Slack and enter the code on that page.`,
  ),
  state_invalid: page(
    400,
    'This sign-in link is not valid.',
    'Sign-in not valid',
    `${AGAIN} Finish the steps in the same browser.`,
  ),
  state_expired: page(
    400,
    'This sign-in took too long and expired.',
    'Sign-in expired',
    `${AGAIN} The Google step must be finished within 10 minutes.`,
  ),
  state_used: page(400, 'This sign-in link was already used or has expired.', 'Sign-in already used', AGAIN),
  browser_mismatch: page(
    400,
    'This sign-in was started in a different browser.',
    'Different browser',
    `${AGAIN} Open the link and finish the Google step in the same browser.`,
  ),
  consent_denied: page(
    400,
    'You did not allow access to Gmail.',
    'Nothing was connected',
    'If you change your mind, run <code>/ai-email-connect</code> again and choose Allow.',
  ),
  google_error: page(400, 'Google reported an error.'),
  code_missing: page(400, 'Google did not return an authorization code.'),
  exchange_failed: page(400, 'Google did not accept the sign-in.'),
  id_token_missing: page(400, 'Google did not return who signed in.'),
  id_token_invalid: page(400, idTokenInvalid),
  email_unverified: page(
    400,
    'Google has not verified the email address of this account.',
    'Email address not verified',
    'Verify the address at myaccount.google.com or choose another Google account, then run <code>/ai-email-connect</code> again.',
  ),
  refresh_token_missing: page(
    400,
    'Google did not grant offline access.',
    'Offline access not granted',
    'Remove Mailbridge at myaccount.google.com → Security → Third-party access, then run <code>/ai-email-connect</code> again.',
  ),
  scope_missing_send: page(
    400,
    'Permission to send email was not granted.',
    'Permission missing',
    'Run <code>/ai-email-connect</code> again and keep “Send email on your behalf” ticked on Google’s screen.',
  ),
  scope_missing_notify: page(
    400,
    'Permission to read new-mail headers was not granted.',
    'Permission missing',
    'Run <code>/ai-email-notifications on</code> again and keep “View your email message metadata” ticked.',
  ),
  account_mismatch: page(
    400,
    connectedAccount,
    'Different Google account',
    'Run <code>/ai-email-notifications on</code> again and choose the connected account.',
  ),
  mailbox_taken: page(
    409,
    takenAccount,
    'Account already connected',
    'Each person connects their own Google account: run <code>/ai-email-connect</code> again and choose yours. The person who connected this account was told.',
  ),
  not_connected: page(409, 'Gmail is not connected; run /ai-email-connect'),
  connection_invalid: page(409, 'the Gmail connection is no longer valid; reconnect with /ai-email-connect'),
  unknown_key_version: OURS,
  sealed_data_tampered: OURS,
  sealed_data_corrupt: OURS,
  revocation_failed: OURS,
  invalid_grant: OURS,
  google_bad_response: OURS,
  google_unauthorized: OURS,
  google_forbidden: OURS,
  google_not_found: OURS,
  google_bad_request: OURS,
  google_rate_limited: OURS,
  google_server: OURS,
  google_timeout: OURS,
  google_network: OURS,
} as const satisfies Record<ConnectErrorCode, PageAnswer>;

export interface ErrorPage {
  status: number;
  page: { title: string; message: string; next: string };
  /** Whether the person can act on it; otherwise the failure is ours and is logged as an error. */
  theirs: boolean;
  /** The start page may be shown again with `page.message` as its alert (when its pairing is still usable). */
  restart: boolean;
}

/** The page for a failed step, worded by its code's row; a failure connect does not name is ours. */
export function errorPage(err: unknown): ErrorPage {
  const answer: PageAnswer = connectErrors.is(err) ? ANSWERS[err.code] : OURS;
  if (answer.show === 'ours') {
    return {
      status: answer.status,
      page: { ...FALLBACK, message: 'Something went wrong on our side.' },
      theirs: false,
      restart: false,
    };
  }
  const details = connectErrors.is(err) ? err.details : undefined;
  const message = typeof answer.message === 'string' ? answer.message : answer.message(details);
  const look = (answer.show === 'page' && answer.look) || FALLBACK;
  return {
    status: answer.status,
    page: { ...look, message },
    theirs: true,
    restart: answer.show === 'start page',
  };
}
