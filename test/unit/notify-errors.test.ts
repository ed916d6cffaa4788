import { gmailError } from '../../src/modules/notify/gmail';
import { slackError } from '../../src/modules/notify/slack-errors';
import { failureOf, isConnectionGone, isTransient } from '../../src/modules/notify/domain/failures';
import { failureText, problemText } from '../../src/modules/notify/replies';

const describeFailure = (err: unknown) => failureText(failureOf(err));
import { notifyErrors } from '../../src/modules/notify/domain/errors';
import { connectErrors } from '../../src/modules/connect/domain/errors';

const google = (status: number | undefined, extra: object = {}) =>
  status === undefined
    ? { code: 'ECONNRESET', message: 'socket hang up', ...extra }
    : {
        response: { status, data: { error: { errors: [{ reason: 'r' }] } }, headers: {} },
        message: 'x',
        ...extra,
      };

describe('Gmail failures', () => {
  it.each([
    [401, 'gmail_unauthorized', true],
    [403, 'gmail_forbidden', false],
    [404, 'gmail_not_found', false],
    [400, 'gmail_bad_request', false],
    [429, 'gmail_rate_limited', true],
    [503, 'gmail_server', true],
    [undefined, 'gmail_network', true],
  ])('when Gmail answers %s, then the code is %s and a job retries it: %s', (status, code, retried) => {
    const err = gmailError(google(status), 'history.list');
    expect(err.code).toBe(code);
    expect(err.retryable).toBe(retried);
    expect(isTransient(err)).toBe(retried);
  });

  it('when the grant is gone (invalid_grant), then it is not retried', () => {
    const err = gmailError(
      { response: { status: 400, data: { error: 'invalid_grant' } }, message: 'x' },
      'w',
    );
    expect(err).toMatchObject({ code: 'gmail_invalid_grant', retryable: false });
  });

  it('when Gmail answers without the fields it must send, then it is retried', () => {
    expect(notifyErrors.fail('gmail_bad_response', 'no historyId').retryable).toBe(true);
  });
});

describe('Slack failures', () => {
  it('when Slack rate-limits, then it is retried after the time Slack asks for', () => {
    const err = slackError({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 });
    expect(err).toMatchObject({
      code: 'slack_rate_limited',
      retryable: true,
      details: { retryAfterMs: 7000 },
    });
  });

  it.each([
    ['internal_error', 'slack_unavailable', true],
    ['ratelimited', 'slack_unavailable', true],
    ['channel_not_found', 'slack_refused', false],
    ['user_not_found', 'slack_refused', false],
  ])('when Slack answers ok:false %s, then the code is %s and retried: %s', (reason, code, retried) => {
    const err = slackError({ code: 'slack_webapi_platform_error', data: { error: reason } });
    expect(err).toMatchObject({ code, retryable: retried, details: { reason } });
  });

  it.each([
    [403, 'slack_refused', false, 'http_403'],
    [408, 'slack_unavailable', true, 'http_408'],
    [429, 'slack_unavailable', true, 'http_429'],
    [502, 'slack_unavailable', true, 'http_502'],
    [undefined, 'slack_unavailable', true, 'network'],
  ])(
    'when the HTTP request answers %s, then the code is %s (retried: %s)',
    (statusCode, code, retried, reason) => {
      const err = slackError({ code: 'slack_webapi_http_error', statusCode });
      expect(err).toMatchObject({ code, retryable: retried, details: { reason } });
    },
  );
});

describe('what the mailbox says about a failure', () => {
  it('when Gmail no longer grants header reading, then the person is told how to grant it again', () => {
    const err = notifyErrors.fail('gmail_forbidden', 'x', { details: { reason: 'insufficientPermissions' } });
    expect(describeFailure(err)).toBe(
      'Gmail no longer grants permission to read new-mail headers; run `/ai-email-notifications on` to grant it again',
    );
  });

  it('when Slack refused the DM, then its reason is named', () => {
    expect(
      describeFailure(
        slackError({ code: 'slack_webapi_platform_error', data: { error: 'account_inactive' } }),
      ),
    ).toBe('Slack refused the direct message (account_inactive)');
  });

  it('when the failure is not an AppError, then it is an internal error retried with the next mail', () => {
    expect(describeFailure(new Error('boom'))).toBe(
      'an internal error stopped the last check; it is retried with the next new mail',
    );
  });

  it('when another module failed, then its own message is shown', () => {
    expect(describeFailure(connectErrors.fail('not_connected', 'Gmail is not connected'))).toBe(
      'Gmail is not connected',
    );
  });

  it("when another module's failure is not the person's to act on, then its message is not shown", () => {
    expect(describeFailure(connectErrors.fail('sealed_data_tampered', 'row 42: tag mismatch'))).toBe(
      'an internal error stopped the last check; it is retried with the next new mail',
    );
  });

  it.each([
    [
      'gmail_bad_response',
      'users.watch returned no historyId or expiration',
      'Gmail gave an unexpected answer',
    ],
    ['gmail_not_found', 'users.watch: not_found (404)', 'Gmail gave an unexpected answer'],
    [
      'gmail_invalid_grant',
      'users.watch: invalid_grant (400)',
      'Google no longer accepts the Gmail connection (access removed or expired)',
    ],
    [
      'notify_post_in_flight',
      'an announcement may still be reaching Slack',
      'Slack did not confirm an announcement in time; the next new mail triggers another attempt',
    ],
  ] as const)(
    'when notify fails with %s, then its own words are shown, never the message meant for the logs',
    (code, message, words) => {
      expect(describeFailure(notifyErrors.fail(code, message))).toBe(words);
    },
  );

  it('when a renewal failed or history was lost, then the mailbox keeps the reason in words', () => {
    const failure = failureOf(notifyErrors.fail('gmail_timeout', 'users.watch: timeout'));
    expect(problemText({ kind: 'renewal_failed', failure })).toBe(
      'renewing the Gmail watch failed: Gmail could not be reached after several tries; the next new mail triggers another attempt',
    );
    expect(problemText({ kind: 'history_lost', at: new Date('2026-11-20T12:34:56Z') })).toBe(
      'Gmail history was lost on 2026-11-20 12:34 UTC; recent inbox messages were checked, some mail may have been missed',
    );
  });

  it("when connect says the connection is unusable, then it is gone for notify; notify's own codes are not", () => {
    expect(isConnectionGone(connectErrors.fail('connection_invalid', 'x'))).toBe(true);
    expect(isConnectionGone(notifyErrors.fail('gmail_unauthorized', 'x'))).toBe(false);
  });
});
