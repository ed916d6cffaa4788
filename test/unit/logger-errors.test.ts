import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { WebClient } from '@slack/web-api';
import { createLogger, errorSummary } from '../../src/shared/logger';

const TOKEN = `xoxb-${'7'.repeat(12)}-test`;
const VIEW = {
  type: 'home',
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Salary review to dana@x.org' } }],
};

/** A logger writing into a string, as the server's would. */
function capture() {
  let out = '';
  const log = createLogger(
    'debug',
    new Writable({
      write(chunk: Buffer, _enc, done) {
        out += chunk.toString();
        done();
      },
    }),
  );
  return { log, text: () => out };
}

/** The error WebClient throws for a views.publish that fails as `answer` says. */
async function slackFailure(answer: 'refused' | 500 | 'platform'): Promise<unknown> {
  const server = http.createServer((_req, res) => {
    if (answer === 500) res.writeHead(500, { 'x-echo': TOKEN }).end(JSON.stringify(VIEW));
    else
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":false,"error":"invalid_blocks"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = answer === 'refused' ? 1 : (server.address() as AddressInfo).port;
  const client = new WebClient(TOKEN, {
    slackApiUrl: `http://127.0.0.1:${port}/api/`,
    retryConfig: { retries: 0 },
  });
  try {
    await client.views.publish({ user_id: 'U1', view: VIEW as never });
    throw new Error('expected a failure');
  } catch (err) {
    return err;
  } finally {
    server.close();
  }
}

describe('logging a failed Slack call', () => {
  it.each(['refused', 500, 'platform'] as const)(
    'when a views.publish fails (%s) and its error is logged whole, then neither the token nor the view reaches the log',
    async (answer) => {
      const err = await slackFailure(answer);
      const { log, text } = capture();
      log.error({ err }, 'home not published');
      log.warn({ error: err }, 'same, under another key');
      log.error({ err: errorSummary(err) }, 'summarised');
      const out = text();
      expect(out).toContain('slack_webapi_');
      expect(out).not.toContain(TOKEN);
      expect(out).not.toContain('Salary');
      expect(out).not.toContain('dana');
      const [whole, , summarised] = out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { err: object });
      expect(whole!.err).toMatchObject({ message: expect.any(String), code: expect.any(String) });
      expect(Object.keys(summarised!.err).sort()).toEqual(
        answer === 500 ? ['code', 'message', 'status'] : ['code', 'message'],
      );
    },
  );

  it('when an HTTP client error carries its config, request and response at any depth, then none is logged', () => {
    const inner = Object.assign(new Error('socket hang up'), {
      code: 'ECONNRESET',
      config: { headers: { Authorization: `Bearer ${TOKEN}` }, data: 'refresh_token=r1' },
      request: { path: '/token' },
      response: { status: 502, data: 'Salary' },
    });
    const outer = Object.assign(new Error('A request error occurred: socket hang up'), {
      code: 'slack_webapi_request_error',
      original: inner,
      context: { nested: { body: 'Salary', options: { headers: TOKEN } } },
    });
    const { log, text } = capture();
    log.error({ err: outer }, 'failed');
    log.error({ err: inner }, 'failed');
    expect(text()).not.toContain(TOKEN);
    expect(text()).not.toContain('Salary');
    expect(text()).not.toContain('refresh_token');
    expect(text()).toContain('socket hang up');
    expect(text()).toContain('ECONNRESET');
  });
});
