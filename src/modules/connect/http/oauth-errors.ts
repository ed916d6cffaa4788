import type { ConnectErrorCode } from '../domain/errors';
import { connectErrors } from '../domain/errors';

const AGAIN = 'Run <code>/ai-email-connect</code> in Slack to get a new link and code.';

interface PageAnswer {
  status: number;
  /** What the person sees, always with a next step; without one, the generic page with the flow's message. */
  page?: { title: string; next: string };
}

const fix = (status: number, title?: string, next?: string): PageAnswer => ({
  status,
  page: title && next ? { title, next } : undefined,
});
/** Not the person's to fix: the generic page, nothing of the cause. */
const OURS: PageAnswer = { status: 502 };

/** Each code's status and page on the connect pages: the one table of this transport. */
const ANSWERS = {
  rate_limited: fix(429),
  pairing_unknown: fix(404, 'Link not valid', AGAIN),
  pairing_used: fix(410, 'Link already used', AGAIN),
  pairing_expired: fix(410, 'Link expired', AGAIN),
  pairing_burnt: fix(410, 'Link disabled', AGAIN),
  code_wrong: fix(400),
  form_invalid: fix(
    400,
    'Form incomplete',
    `Open the link from <code>/ai-email-connect</code> in Slack again.`,
  ),
  form_foreign: fix(
    403,
    'Please use the link from Slack',
    `Open the link from <code>/ai-email-connect</code> in Slack and enter the code on that page.`,
  ),
  state_invalid: fix(400, 'Sign-in not valid', `${AGAIN} Finish the steps in the same browser.`),
  state_expired: fix(400, 'Sign-in expired', `${AGAIN} The Google step must be finished within 10 minutes.`),
  state_used: fix(400, 'Sign-in already used', AGAIN),
  browser_mismatch: fix(
    400,
    'Different browser',
    `${AGAIN} Open the link and finish the Google step in the same browser.`,
  ),
  consent_denied: fix(
    400,
    'Nothing was connected',
    'If you change your mind, run <code>/ai-email-connect</code> again and choose Allow.',
  ),
  google_error: fix(400),
  code_missing: fix(400),
  exchange_failed: fix(400),
  id_token_missing: fix(400),
  id_token_invalid: fix(400),
  email_unverified: fix(
    400,
    'Email address not verified',
    'Verify the address at myaccount.google.com or choose another Google account, then run <code>/ai-email-connect</code> again.',
  ),
  refresh_token_missing: fix(
    400,
    'Offline access not granted',
    'Remove Mailbridge at myaccount.google.com → Security → Third-party access, then run <code>/ai-email-connect</code> again.',
  ),
  scope_missing_send: fix(
    400,
    'Permission missing',
    'Run <code>/ai-email-connect</code> again and keep “Send email on your behalf” ticked on Google’s screen.',
  ),
  scope_missing_notify: fix(
    400,
    'Permission missing',
    'Run <code>/ai-email-notifications on</code> again and keep “View your email message metadata” ticked.',
  ),
  account_mismatch: fix(
    400,
    'Different Google account',
    'Run <code>/ai-email-notifications on</code> again and choose the connected account.',
  ),
  not_connected: fix(409),
  connection_invalid: fix(409),
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

const FALLBACK_PAGE = { title: 'Could not connect', next: `Please try again in a few minutes. ${AGAIN}` };

/** The page for a failed step: the flow's own message for what the person can fix, a generic one otherwise. */
export function errorPage(err: unknown): {
  status: number;
  page: { title: string; message: string; next: string };
} {
  const answer: PageAnswer = connectErrors.is(err) ? ANSWERS[err.code] : OURS;
  const page = answer.page ?? FALLBACK_PAGE;
  const theirs = answer.status < 500;
  return {
    status: answer.status,
    page: {
      title: page.title,
      message: theirs && err instanceof Error ? err.message : 'Something went wrong on our side.',
      next: page.next,
    },
  };
}
