import { connectErrors } from '../../src/modules/connect/domain/errors';
import { errorPage } from '../../src/modules/connect/http/oauth-errors';

describe('the page for a failed connect step', () => {
  it('when the person can fix it, then the status, title and next step are the code’s and the message is the flow’s', () => {
    const { status, page } = errorPage(
      connectErrors.fail('pairing_expired', 'This connection link has expired.'),
    );
    expect(status).toBe(410);
    expect(page).toEqual({
      title: 'Link expired',
      message: 'This connection link has expired.',
      next: 'Run <code>/ai-email-connect</code> in Slack to get a new link and code.',
    });
    expect(errorPage(connectErrors.fail('form_foreign', 'x')).status).toBe(403);
    expect(errorPage(connectErrors.fail('pairing_unknown', 'x')).status).toBe(404);
  });

  it('when a code has no page of its own, then the generic page carries the flow’s message', () => {
    const { status, page } = errorPage(connectErrors.fail('google_error', 'Google reported an error.'));
    expect(status).toBe(400);
    expect(page.title).toBe('Could not connect');
    expect(page.message).toBe('Google reported an error.');
  });

  it('when the failure is not the person’s, then a 502 page says nothing of the cause', () => {
    for (const err of [connectErrors.fail('google_server', 'secret detail'), new Error('database secret')]) {
      const { status, page } = errorPage(err);
      expect(status).toBe(502);
      expect(page.message).toBe('Something went wrong on our side.');
      expect(page.next).toContain('Please try again in a few minutes.');
    }
  });
});
