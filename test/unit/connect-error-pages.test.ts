import { AppError } from '../../src/shared/errors';
import { connectErrors } from '../../src/modules/connect/domain/errors';
import { errorPage } from '../../src/modules/connect/http/oauth-errors';
import { messagePage } from '../../src/modules/connect/http/pages';

const AGAIN = 'Run <code>/ai-email-connect</code> in Slack to get a new link and code.';
const GENERIC_NEXT = `Please try again in a few minutes. ${AGAIN}`;

describe('the page for a failed connect step', () => {
  it('when the person can fix it, then the status, title, message and next step are the code’s row', () => {
    const answer = errorPage(connectErrors.fail('pairing_expired', 'developer words'));
    expect(answer).toEqual({
      status: 410,
      page: {
        title: 'Link expired',
        message: 'This connection link has expired.',
        next: AGAIN,
      },
      theirs: true,
      restart: false,
    });
    expect(errorPage(connectErrors.fail('form_foreign', 'x')).status).toBe(403);
    expect(errorPage(connectErrors.fail('pairing_unknown', 'x')).status).toBe(404);
  });

  it('when a code has no page of its own, then the generic page carries the row’s message', () => {
    const { status, page } = errorPage(connectErrors.fail('google_error', 'Google redirected with error x'));
    expect(status).toBe(400);
    expect(page).toEqual({
      title: 'Could not connect',
      message: 'Google reported an error.',
      next: GENERIC_NEXT,
    });
  });

  it('when the failure is not the person’s, then a 502 page says nothing of the cause', () => {
    for (const err of [connectErrors.fail('google_server', 'secret detail'), new Error('database secret')]) {
      const answer = errorPage(err);
      expect(answer.status).toBe(502);
      expect(answer.theirs).toBe(false);
      expect(answer.page.message).toBe('Something went wrong on our side.');
      expect(answer.page.next).toBe(GENERIC_NEXT);
    }
  });

  it('when another module’s user error reaches the pages, then it is ours: its message is never shown', () => {
    const foreign = new AppError('draft_unknown', 'words of another module', { kind: 'user' });
    expect(errorPage(foreign)).toMatchObject({ status: 502, theirs: false });
    expect(errorPage(foreign).page.message).toBe('Something went wrong on our side.');
  });

  it('when a code is wrong, then the row asks for the start page again with the tries left as its alert', () => {
    const wrong = (left: number) =>
      errorPage(connectErrors.fail('code_wrong', 'dev', { details: { attemptsLeft: left } }));
    expect(wrong(4)).toEqual({
      status: 400,
      page: {
        title: 'Could not connect',
        message: 'That code is not right. 4 tries left.',
        next: GENERIC_NEXT,
      },
      theirs: true,
      restart: true,
    });
    expect(wrong(1).page.message).toBe('That code is not right. 1 try left.');
  });

  it('when the words depend on the failure, then they come from its details, never from its message', () => {
    const page = (code: Parameters<typeof connectErrors.fail>[0], details?: Record<string, unknown>) =>
      errorPage(connectErrors.fail(code, 'developer words', { details })).page.message;
    expect(page('account_mismatch', { email: 'ada@example.com' })).toBe(
      'Please choose the Google account already connected (ada@example.com).',
    );
    expect(page('account_mismatch')).toBe('Please choose the Google account already connected.');
    expect(page('id_token_invalid', { flaw: 'signature' })).toBe('Google ID token failed verification');
    expect(page('id_token_invalid', { flaw: 'claims' })).toBe(
      'Google ID token lacks an issuer, subject or email',
    );
    expect(page('rate_limited')).toBe(
      'Too many connection attempts in the last hour. Please try again later.',
    );
    expect(page('pairing_burnt')).toBe(
      'Too many wrong codes were entered for this link, so it was disabled.',
    );
    expect(page('exchange_failed')).toBe('Google did not accept the sign-in.');
  });

  it('when an email in the details holds markup, then the page shows it escaped', () => {
    const { page } = errorPage(
      connectErrors.fail('account_mismatch', 'dev', { details: { email: '<b>@example.com' } }),
    );
    const html = messagePage(page);
    expect(html).toContain('(&lt;b&gt;@example.com)');
    expect(html).not.toContain('<b>@');
  });

  it('when any connect code fails, then its page never shows the developer message', () => {
    for (const code of connectErrors.codes) {
      const { page } = errorPage(connectErrors.fail(code, 'DEVELOPER-ONLY'));
      expect(Object.values(page).join(' ')).not.toContain('DEVELOPER-ONLY');
    }
  });
});
