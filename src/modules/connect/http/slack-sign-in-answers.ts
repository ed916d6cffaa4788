import { AGAIN, page, type PageAnswer } from './page-answer';

/** Not the person's to fix (our credentials or Slack out of reach): the generic page, an error in the log. */
const OURS: PageAnswer = { show: 'ours', status: 502 };

/** The pages of Sign in with Slack's failures, rows of the connect pages' one table (`oauth-errors.ts`). */
export const SLACK_SIGN_IN_ANSWERS = {
  pairing_not_theirs: page(
    403,
    'It was made for another Slack account than the one you signed in with, so it has been disabled and no longer works for anyone.',
    'This link belongs to someone else',
    'If you want to connect your own Gmail, run <code>/ai-email-connect</code> in Slack yourself and use the link it gives you. Never use a link someone else sent you.',
  ),
  pairing_refused: page(
    410,
    'This connection link was disabled because someone signed in to Slack with another account while using it.',
    'Link disabled',
    `${AGAIN} Keep the link to yourself.`,
  ),
  sign_in_required: page(
    403,
    'This browser has not signed in to Slack as the person the link was made for.',
    'Sign in with Slack first',
    'Open the link from <code>/ai-email-connect</code> in Slack again and sign in with your own Slack account.',
  ),
  slack_sign_in_failed: page(
    400,
    'Slack did not complete the sign-in.',
    'Sign-in with Slack not completed',
    'Open the link from <code>/ai-email-connect</code> in Slack again and allow the sign-in.',
  ),
  slack_code_invalid: page(
    400,
    'Slack did not accept this sign-in: it was already used, took too long or did not come from Slack.',
    'Sign-in with Slack not accepted',
    'Open the link from <code>/ai-email-connect</code> in Slack again and sign in once more.',
  ),
  slack_id_token_invalid: page(
    400,
    'Slack’s answer about who signed in failed verification.',
    'Sign-in with Slack not accepted',
    AGAIN,
  ),
  slack_misconfigured: OURS,
  slack_unreachable: OURS,
} as const satisfies Record<
  | 'pairing_not_theirs'
  | 'pairing_refused'
  | 'sign_in_required'
  | 'slack_sign_in_failed'
  | 'slack_code_invalid'
  | 'slack_id_token_invalid'
  | 'slack_misconfigured'
  | 'slack_unreachable',
  PageAnswer
>;
