import { isAppError } from '../../../shared/errors';

const AGAIN = 'Run <code>/ai-email-connect</code> in Slack to get a new link and code.';

/** What the person sees for each way a connection can fail, always with a next step. */
const ERROR_PAGES: Record<string, { title: string; next: string }> = {
  pairing_unknown: { title: 'Link not valid', next: AGAIN },
  form_foreign: {
    title: 'Please use the link from Slack',
    next: `Open the link from <code>/ai-email-connect</code> in Slack and enter the code on that page.`,
  },
  form_invalid: {
    title: 'Form incomplete',
    next: `Open the link from <code>/ai-email-connect</code> in Slack again.`,
  },
  pairing_used: { title: 'Link already used', next: AGAIN },
  pairing_expired: { title: 'Link expired', next: AGAIN },
  pairing_burnt: { title: 'Link disabled', next: AGAIN },
  state_invalid: { title: 'Sign-in not valid', next: `${AGAIN} Finish the steps in the same browser.` },
  state_expired: {
    title: 'Sign-in expired',
    next: `${AGAIN} The Google step must be finished within 10 minutes.`,
  },
  state_used: { title: 'Sign-in already used', next: AGAIN },
  browser_mismatch: {
    title: 'Different browser',
    next: `${AGAIN} Open the link and finish the Google step in the same browser.`,
  },
  consent_denied: {
    title: 'Nothing was connected',
    next: 'If you change your mind, run <code>/ai-email-connect</code> again and choose Allow.',
  },
  scope_missing_send: {
    title: 'Permission missing',
    next: 'Run <code>/ai-email-connect</code> again and keep “Send email on your behalf” ticked on Google’s screen.',
  },
  scope_missing_notify: {
    title: 'Permission missing',
    next: 'Run <code>/ai-email-notifications on</code> again and keep “View your email message metadata” ticked.',
  },
  account_mismatch: {
    title: 'Different Google account',
    next: 'Run <code>/ai-email-notifications on</code> again and choose the connected account.',
  },
  email_unverified: {
    title: 'Email address not verified',
    next: 'Verify the address at myaccount.google.com or choose another Google account, then run <code>/ai-email-connect</code> again.',
  },
  refresh_token_missing: {
    title: 'Offline access not granted',
    next: 'Remove Mailbridge at myaccount.google.com → Security → Third-party access, then run <code>/ai-email-connect</code> again.',
  },
};
const FALLBACK_ERROR = { title: 'Could not connect', next: `Please try again in a few minutes. ${AGAIN}` };

/** The page for a failed step: the flow's own message for what the person can fix, a generic one otherwise. */
export function errorPage(err: unknown): {
  status: number;
  page: { title: string; message: string; next: string };
} {
  const known = isAppError(err) && err.httpStatus < 500;
  const page = (isAppError(err) && ERROR_PAGES[err.code]) || FALLBACK_ERROR;
  return {
    status: known ? err.httpStatus : 502,
    page: {
      title: page.title,
      message: known ? err.message : 'Something went wrong on our side.',
      next: page.next,
    },
  };
}
