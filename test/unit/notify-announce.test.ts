import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createNotifyAnnouncer } from '../../src/features/notify-announce';
import { wasNotSent } from '../../src/domain/notify/failures';
import type { MailboxRecord } from '../../src/domain/notify/types';
import { slackError } from '../../src/slack/notify-errors';

const NOW = new Date('2026-11-20T12:00:00Z');

/** How the local Slack stand-in answers chat.postMessage (conversations.open always succeeds). */
let answerPost: (res: ServerResponse) => void = () => undefined;
let server: Server;
let apiUrl = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.includes('conversations.open')) {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ ok: true, channel: { id: 'D1' } }));
      } else answerPost(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const platformError = (error: string) => (res: ServerResponse) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ ok: false, error }));
};

function announceOnce(): Promise<unknown> {
  const app = {
    config: { HTTP_TIMEOUT_MS: 1_000, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: apiUrl },
    metrics: { notifications: { inc: () => undefined } },
    services: { clock: { now: () => NOW } },
  };
  const slackCall = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (err) {
      throw slackError(err);
    }
  };
  const { announce } = createNotifyAnnouncer(app as never, pino({ level: 'silent' }), slackCall);
  const mailbox = { id: 'mb', userId: 'U1', email: 'me@example.com' } as MailboxRecord;
  const mail = {
    id: 'g1',
    threadId: 'g1',
    labelIds: ['INBOX'],
    from: 'x@example.org',
    subject: 'hello',
    receivedAt: NOW,
  };
  return announce(mailbox, { kind: 'single', mail }, NOW).then(
    () => undefined,
    (err: unknown) => err,
  );
}

describe('announcement failures', () => {
  it.each([
    'msg_too_long',
    'invalid_metadata_format',
    'invalid_metadata_schema',
    'channel_not_found',
    'not_authed',
    'invalid_auth',
    'account_inactive',
    'is_archived',
    'no_text',
    'invalid_blocks',
    'too_many_attachments',
    'restricted_action',
    'not_in_channel',
    'missing_scope',
    'ratelimited',
  ])('when Slack answers ok:false with %s, then the post is known never to have landed', async (error) => {
    answerPost = platformError(error);
    const err = await announceOnce();
    expect(err).toMatchObject({ details: { reason: error } });
    expect(wasNotSent(err)).toBe(true);
  });

  it.each(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout'])(
    'when Slack answers ok:false with %s, then the outcome stays unknown',
    async (error) => {
      answerPost = platformError(error);
      const err = await announceOnce();
      expect(err).toMatchObject({ details: { reason: error } });
      expect(wasNotSent(err)).toBe(false);
    },
  );

  it('when Slack answers with an HTTP error, then the outcome stays unknown', async () => {
    answerPost = (res) => {
      res.statusCode = 500;
      res.end('oops');
    };
    const err = await announceOnce();
    expect(err).toMatchObject({ code: 'slack_unavailable' });
    expect(wasNotSent(err)).toBe(false);
  });

  it('when Slack never answers before the client gives up, then the outcome stays unknown', async () => {
    answerPost = () => undefined;
    const err = await announceOnce();
    expect(err).toMatchObject({ code: 'slack_unavailable' });
    expect(wasNotSent(err)).toBe(false);
  });

  it('when Slack takes the post, then nothing is thrown', async () => {
    answerPost = (res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: true, channel: 'D1', ts: '1.2' }));
    };
    await expect(announceOnce()).resolves.toBeUndefined();
  });
});
