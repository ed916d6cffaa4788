import { createHash, randomBytes } from 'node:crypto';
import { gmail as gmailClient, type gmail_v1 } from '@googleapis/gmail';
import { OAuth2Client } from 'google-auth-library';
import { SENT_MAX_MESSAGES, findSentMessage } from '../../src/modules/send/gmail';
import { startGoogleEmulator, type GoogleEmulator } from '@mailbridge/google-emulator';

const REDIRECT_URI = 'http://127.0.0.1:3999/oauth/google/callback';
const G = 'https://www.googleapis.com/auth/';
const SCOPES = [`${G}gmail.send`, `${G}gmail.metadata`, 'openid', 'email'];
const EMAIL = 'sender@example.com';

let em: GoogleEmulator;
let gmail: gmail_v1.Gmail;

/** The authorization-code flow against the emulator, as a browser and the server would run it. */
async function accessToken(): Promise<string> {
  em.addAccount({ email: EMAIL });
  em.setConsent({ email: EMAIL, grantScopes: SCOPES, times: 1 });
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL(em.urls.authUrl);
  authorize.search = new URLSearchParams({
    client_id: em.clientId,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: SCOPES.join(' '),
    state: 's',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const redirect = await fetch(authorize, { redirect: 'manual' });
  const code = new URL(redirect.headers.get('location') ?? '').searchParams.get('code') ?? '';
  const res = await fetch(em.urls.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT_URI,
      client_id: em.clientId,
      client_secret: em.clientSecret,
    }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

const send = (messageId: string) =>
  gmail.users.messages.send({
    userId: 'me',
    requestBody: {
      raw: Buffer.from(
        `From: ${EMAIL}\r\nTo: a@example.org\r\nSubject: s\r\nMessage-ID: ${messageId}\r\n\r\nx\r\n`,
      ).toString('base64url'),
    },
  });

beforeAll(async () => {
  em = await startGoogleEmulator({ redirectUris: [REDIRECT_URI] });
  const auth = new OAuth2Client({ transporterOptions: { fetchImplementation: globalThis.fetch } });
  auth.setCredentials({ access_token: await accessToken() });
  gmail = gmailClient({ version: 'v1', auth, rootUrl: em.urls.gmailApiUrl, retry: false });
});
afterAll(async () => {
  await em.close();
});

describe('finding a sent message by its Message-ID without a search (gmail.metadata)', () => {
  it('when more than 20 later messages were sent, then the listing pages further back and finds it', async () => {
    const attemptedAt = new Date();
    const ours = await send('<ours@mailbridge.test>');
    for (let i = 0; i < 45; i++) await send(`<later-${i}@mailbridge.test>`);
    await expect(findSentMessage(gmail, '<ours@mailbridge.test>', 'list', attemptedAt)).resolves.toEqual({
      id: ours.data.id,
      threadId: ours.data.threadId,
    });
  });

  it('when the listing reaches messages sent well before the attempt, then it stops there', async () => {
    const later = new Date(Date.now() + 60 * 60_000);
    const calls: string[] = [];
    const counting = {
      users: {
        messages: {
          list: (p: gmail_v1.Params$Resource$Users$Messages$List) => {
            calls.push('list');
            return gmail.users.messages.list(p);
          },
          get: (p: gmail_v1.Params$Resource$Users$Messages$Get) => {
            calls.push('get');
            return gmail.users.messages.get(p);
          },
        },
      },
    } as unknown as gmail_v1.Gmail;
    await expect(findSentMessage(counting, '<never-sent@mailbridge.test>', 'list', later)).resolves.toBe(
      undefined,
    );
    expect(calls).toEqual(['list', 'get']);
  });

  it(`when the message is not among the newest ${SENT_MAX_MESSAGES}, then the lookup gives up there`, async () => {
    for (let i = 0; i < SENT_MAX_MESSAGES; i++) await send(`<flood-${i}@mailbridge.test>`);
    let gets = 0;
    const counting = {
      users: {
        messages: {
          list: (p: gmail_v1.Params$Resource$Users$Messages$List) => gmail.users.messages.list(p),
          get: (p: gmail_v1.Params$Resource$Users$Messages$Get) => {
            gets += 1;
            return gmail.users.messages.get(p);
          },
        },
      },
    } as unknown as gmail_v1.Gmail;
    await expect(findSentMessage(counting, '<ours@mailbridge.test>', 'list', new Date(0))).resolves.toBe(
      undefined,
    );
    expect(gets).toBe(SENT_MAX_MESSAGES);
  });
});
