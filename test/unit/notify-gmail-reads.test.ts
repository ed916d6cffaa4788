import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNotifyGmail } from '../../src/modules/notify/gmail';
import { createGmailReads } from '../../src/modules/notify/gmail-reads';
import type { GmailPort } from '../../src/modules/notify/domain/ports';

type Answer = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Answer =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
const googleError = (code: number, reason: string, headers: Record<string, string> = {}) =>
  json(code, { error: { code, message: reason, errors: [{ reason }] } }, headers);

const CAP = 10_000;
let answer: Answer = json(200, {});
const seen: Array<{ url?: string; authorization?: string }> = [];
const server = http.createServer((req, res) => {
  seen.push({ url: req.url, authorization: req.headers.authorization });
  answer(req, res);
});
let gmail: GmailPort;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const reads = createGmailReads({ apiUrl, timeoutMs: 300, maxBytes: CAP });
  const noClient = () => {
    throw new Error('the reads go through createGmailReads, not googleapis');
  };
  gmail = createNotifyGmail(noClient, reads('tok-1'), () => {});
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  seen.length = 0;
});

const both = () => [gmail.listHistory('100', 'page/2'), gmail.headers('m/1')] as const;
/** Both reads, each checked as soon as it is made (none left rejected without a handler). */
const bothFail = (expected: Record<string, unknown>) =>
  Promise.all(both().map((read) => expect(read).rejects.toMatchObject(expected)));

describe("the sync's Gmail reads", () => {
  it('when a sync lists history and reads headers, then it asks the exact paths with its access token', async () => {
    answer = json(200, {
      historyId: '123',
      history: [{ messagesAdded: [{ message: { id: 'm1', labelIds: ['INBOX'] } }] }],
      payload: { headers: [{ name: 'From', value: 'a@b' }] },
      internalDate: '1700000000000',
    });
    const [history, headers] = await Promise.all(both());
    expect(history).toEqual({ messages: [{ id: 'm1', labelIds: ['INBOX'] }], historyId: '123' });
    expect(headers).toMatchObject({ id: 'm/1', from: 'a@b', receivedAt: new Date(1_700_000_000_000) });
    expect(seen.map((s) => s.url).sort()).toEqual([
      '/gmail/v1/users/me/history?startHistoryId=100&historyTypes=messageAdded&labelId=INBOX&maxResults=500&pageToken=page%2F2',
      '/gmail/v1/users/me/messages/m%2F1?format=metadata&metadataHeaders=From&metadataHeaders=Subject&metadataHeaders=Date',
    ]);
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-1']);
  });

  it('when the message is gone (404), then its headers are nothing to announce but a history 404 is an error (backfill)', async () => {
    answer = googleError(404, 'notFound');
    const [history, headers] = both();
    await expect(history).rejects.toMatchObject({ code: 'gmail_not_found', details: { reason: 'notFound' } });
    expect(await headers).toBeUndefined();
  });

  const html503: Answer = (_req, res) => {
    res.writeHead(503, { 'content-type': 'text/html' });
    res.end('<html>down</html>');
  };
  const stalled: Answer = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"historyId":');
  };
  it.each<[string, string, Record<string, unknown>, Answer]>([
    ['401', 'gmail_unauthorized', { reason: 'authError' }, googleError(401, 'authError')],
    [
      '403 insufficientPermissions',
      'gmail_forbidden',
      { reason: 'insufficientPermissions' },
      googleError(403, 'insufficientPermissions'),
    ],
    [
      '403 userRateLimitExceeded',
      'gmail_rate_limited',
      { reason: 'userRateLimitExceeded' },
      googleError(403, 'userRateLimitExceeded'),
    ],
    [
      '429 with Retry-After: 7',
      'gmail_rate_limited',
      { retryAfterMs: 7000 },
      googleError(429, 'rateLimitExceeded', { 'retry-after': '7' }),
    ],
    ['503 with an HTML page', 'gmail_server', {}, html503],
    ['200 that is not JSON', 'gmail_server', {}, (_req, res) => res.end('not json{')],
    ['200 with no body', 'gmail_server', {}, (_req, res) => res.end()],
    [
      'by resetting the connection',
      'gmail_network',
      { reason: 'UND_ERR_SOCKET' },
      (req) => req.socket.destroy(),
    ],
    ['nothing at all', 'gmail_timeout', { reason: 'TimeoutError' }, () => {}],
    ['with a body that stalls', 'gmail_timeout', { reason: 'TimeoutError' }, stalled],
  ])('when Gmail answers %s, then both reads fail as %s', async (_what, code, details, a) => {
    answer = a;
    await bothFail({ code, details });
  });

  it('when an answer is larger than the cap, then it is refused as a server failure, by its length or by count', async () => {
    const big = JSON.stringify({ historyId: '1', pad: 'x'.repeat(CAP) });
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(big.length) });
      res.end(big);
    };
    await bothFail({ code: 'gmail_server' });
    // No Content-Length (chunked): refused once the bytes received pass the cap.
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      for (let at = 0; at < big.length; at += 1000) res.write(big.slice(at, at + 1000));
      res.end();
    };
    await bothFail({ code: 'gmail_server' });
    // Just under the cap is read as usual.
    const fits = JSON.stringify({ historyId: '2', pad: 'x'.repeat(CAP - 40) });
    answer = (_req, res) => res.end(fits);
    expect(fits.length).toBeLessThanOrEqual(CAP);
    await expect(gmail.listHistory('1')).resolves.toMatchObject({ historyId: '2' });
  });
});
