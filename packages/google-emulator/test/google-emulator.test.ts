import { X509Certificate, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CodeChallengeMethod,
  OAuth2Client,
  type Credentials,
  type OAuth2ClientOptions,
} from 'google-auth-library';
import { gmail as gmailClient, type gmail_v1 } from '@googleapis/gmail';
import { decodeJwt, startGoogleEmulator, type GoogleEmulator, type TokenVariant } from '../src';

const REDIRECT_URI = 'http://127.0.0.1:3999/oauth/google/callback';
const G = 'https://www.googleapis.com/auth/';
const SIGN_IN = ['openid', 'email'];
const SEND = [`${G}gmail.send`, ...SIGN_IN];

let em: GoogleEmulator;

beforeAll(async () => {
  em = await startGoogleEmulator({ redirectUris: [REDIRECT_URI] });
});
afterAll(async () => {
  await em.close();
});
beforeEach(() => {
  em.clearFaults();
  em.setConsent({});
  em.setRotateRefreshTokens(false);
});

const newEmail = () => `user.${randomUUID().slice(0, 8)}@example.com`;

function oauthClient(extra: Partial<OAuth2ClientOptions> = {}): OAuth2Client {
  return new OAuth2Client({
    ...extra,
    clientId: em.clientId,
    clientSecret: em.clientSecret,
    redirectUri: REDIRECT_URI,
    endpoints: {
      oauth2AuthBaseUrl: em.urls.authUrl,
      oauth2TokenUrl: em.urls.tokenUrl,
      oauth2RevokeUrl: em.urls.revokeUrl,
      oauth2FederatedSignonPemCertsUrl: em.urls.certsUrl,
    },
    transporterOptions: { fetchImplementation: globalThis.fetch },
  });
}

/** Follows the authorize URL like a browser that never renders the 302. */
async function authorize(client: OAuth2Client, scope: string[], extra: Record<string, string> = {}) {
  const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
  const state = randomUUID();
  const url = client.generateAuthUrl({
    access_type: 'offline',
    prompt: 'consent',
    scope,
    state,
    code_challenge: codeChallenge,
    code_challenge_method: CodeChallengeMethod.S256,
    ...extra,
  });
  const res = await fetch(url, { redirect: 'manual' });
  const location = res.headers.get('location');
  return {
    res,
    codeVerifier,
    state,
    params: location ? new URL(location).searchParams : undefined,
    body: await res.text(),
  };
}

async function connect(
  email: string,
  scope: string[] = SEND,
): Promise<{ client: OAuth2Client; tokens: Credentials }> {
  em.addAccount({ email });
  em.setConsent({ email });
  const client = oauthClient();
  const { params, codeVerifier } = await authorize(client, scope);
  const { tokens } = await client.getToken({ code: params?.get('code') ?? '', codeVerifier });
  client.setCredentials(tokens);
  return { client, tokens };
}

const gmailFor = (auth: OAuth2Client): gmail_v1.Gmail =>
  gmailClient({ version: 'v1', auth, rootUrl: em.urls.gmailApiUrl });

/** The HTTP status and body of a rejected gaxios call. */
async function failure(
  p: Promise<unknown>,
): Promise<{ status?: number; data?: unknown; code?: unknown; headers?: Headers }> {
  try {
    await p;
  } catch (e) {
    const err = e as {
      status?: number;
      code?: unknown;
      response?: { status?: number; data?: unknown; headers?: Headers };
    };
    return {
      status: err.response?.status ?? err.status,
      data: err.response?.data,
      code: err.code,
      headers: err.response?.headers,
    };
  }
  throw new Error('expected the call to fail');
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const encodeWord = (s: string) => (/^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${b64(s)}?=`);

/** A minimal RFC 5322 composer, as the server will write one. */
function compose(m: {
  from: string;
  to: string[];
  subject: string;
  body: string;
  messageId: string;
  /** Further header lines, e.g. In-Reply-To. */
  extra?: string[];
}): string {
  return [
    `From: ${m.from}`,
    `To: ${m.to.join(',\r\n ')}`,
    `Subject: ${encodeWord(m.subject)}`,
    `Message-ID: ${m.messageId}`,
    ...(m.extra ?? []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    b64(m.body),
  ].join('\r\n');
}

describe('Google OAuth', () => {
  it('when a user completes the PKCE flow, then the code exchanges for tokens whose ID token verifies', async () => {
    const email = newEmail();
    const account = em.addAccount({ email, name: 'Ada' });
    em.setConsent({ email });
    const client = oauthClient();

    const { res, params, state, codeVerifier } = await authorize(client, SEND);
    const { tokens } = await client.getToken({ code: params?.get('code') ?? '', codeVerifier });
    const ticket = await client.verifyIdToken({ idToken: tokens.id_token ?? '', audience: em.clientId });

    expect(res.status).toBe(302);
    expect(params?.get('state')).toBe(state);
    expect(params?.get('scope')?.split(' ').sort()).toEqual(
      [`${G}gmail.send`, `${G}userinfo.email`, 'openid'].sort(),
    );
    expect(tokens).toMatchObject({ token_type: 'Bearer', scope: expect.stringContaining('gmail.send') });
    expect(tokens.refresh_token).toMatch(/^1\/\//);
    expect(ticket.getPayload()).toMatchObject({
      iss: 'https://accounts.google.com',
      aud: em.clientId,
      azp: em.clientId,
      sub: account.sub,
      email,
      email_verified: true,
    });
  });

  it.each([
    ['false', false],
    ['left out', null],
  ] as const)(
    'when the account email is unverified (claim %s), then the ID token carries exactly that',
    async (_label, emailVerified) => {
      const email = newEmail();
      em.addAccount({ email, emailVerified });
      em.setConsent({ email });
      const client = oauthClient();
      const { params, codeVerifier } = await authorize(client, SEND);
      const { tokens } = await client.getToken({ code: params?.get('code') ?? '', codeVerifier });
      const payload = (
        await client.verifyIdToken({ idToken: tokens.id_token ?? '', audience: em.clientId })
      ).getPayload();
      expect(payload?.email).toBe(email);
      if (emailVerified === null) expect(payload).not.toHaveProperty('email_verified');
      else expect(payload?.email_verified).toBe(false);
    },
  );

  it('when the certs URL is read, then it maps each kid to an X.509 certificate like Google', async () => {
    const certs = (await (await fetch(em.urls.certsUrl)).json()) as Record<string, string>;
    const [kid, pem] = Object.entries(certs)[0] ?? [];
    expect(kid).toMatch(/^[0-9a-f]{40}$/);
    expect(new X509Certificate(pem ?? '').subject).toContain('CN=');
  });

  it('when the code verifier is wrong, then the exchange fails with invalid_grant and the code is spent', async () => {
    const email = newEmail();
    em.addAccount({ email });
    em.setConsent({ email });
    const client = oauthClient();
    const { params, codeVerifier } = await authorize(client, SEND);
    const code = params?.get('code') ?? '';
    const otherVerifier = (await client.generateCodeVerifierAsync()).codeVerifier;

    const wrong = await failure(client.getToken({ code, codeVerifier: otherVerifier }));
    const reused = await failure(client.getToken({ code, codeVerifier }));

    expect(wrong).toMatchObject({
      status: 400,
      data: { error: 'invalid_grant', error_description: 'Invalid code verifier.' },
    });
    expect(reused).toMatchObject({ status: 400, data: { error: 'invalid_grant' } });
  });

  it('when the redirect_uri differs at the token endpoint, then the exchange fails', async () => {
    const email = newEmail();
    em.addAccount({ email });
    em.setConsent({ email });
    const client = oauthClient();
    const { params, codeVerifier } = await authorize(client, SEND);

    const result = await failure(
      client.getToken({
        code: params?.get('code') ?? '',
        codeVerifier,
        redirect_uri: 'http://127.0.0.1:3999/other',
      }),
    );

    expect(result).toMatchObject({ status: 400, data: { error: 'redirect_uri_mismatch' } });
  });

  it.each([
    ['an unregistered redirect_uri', { redirect_uri: 'http://127.0.0.1:1/evil' }, 'redirect_uri_mismatch'],
    ['no PKCE method', { code_challenge_method: '' }, 'invalid_request'],
    ['a plain PKCE method', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['an unknown client', { client_id: 'someone-else' }, 'invalid_client'],
  ])(
    'when authorize gets %s, then it shows an error page instead of redirecting',
    async (_name, extra, error) => {
      em.addAccount({ email: newEmail() });
      const { res, body } = await authorize(oauthClient(), SEND, extra as Record<string, string>);

      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.headers.get('location')).toBeNull();
      expect(body).toContain(error);
      expect(em.authorizeRequests.at(-1)?.error).toBe(error);
    },
  );

  it('when the scope lacks openid, then authorize refuses it', async () => {
    const { res, body } = await authorize(oauthClient(), [`${G}gmail.send`]);
    expect(res.status).toBe(400);
    expect(body).toContain('openid');
  });

  it('when the user denies consent, then the redirect carries access_denied and the state', async () => {
    em.addAccount({ email: newEmail() });
    em.setConsent({ deny: true, times: 1 });

    const { params, state } = await authorize(oauthClient(), SEND);

    expect(params?.get('error')).toBe('access_denied');
    expect(params?.get('state')).toBe(state);
    expect(params?.get('code')).toBeNull();
  });

  it('when the user unticks gmail.send, then the granted scope omits it and Gmail refuses to send', async () => {
    const email = newEmail();
    em.addAccount({ email });
    em.setConsent({ email, grantScopes: [] });
    const client = oauthClient();

    const { params, codeVerifier } = await authorize(client, SEND);
    const { tokens } = await client.getToken({ code: params?.get('code') ?? '', codeVerifier });
    client.setCredentials(tokens);
    const raw = Buffer.from(
      compose({ from: email, to: ['x@example.org'], subject: 's', body: 'b', messageId: '<a@b>' }),
    ).toString('base64url');
    const sent = await failure(gmailFor(client).users.messages.send({ userId: 'me', requestBody: { raw } }));

    expect(params?.get('scope')).not.toContain('gmail.send');
    expect(tokens.scope).not.toContain('gmail.send');
    expect(sent).toMatchObject({
      status: 403,
      data: { error: { errors: [{ reason: 'insufficientPermissions' }] } },
    });
  });

  it('when include_granted_scopes is true, then the new grant keeps the earlier scopes', async () => {
    const email = newEmail();
    await connect(email, SEND);
    const client = oauthClient();

    const { params, codeVerifier } = await authorize(client, [`${G}gmail.metadata`, ...SIGN_IN], {
      include_granted_scopes: 'true',
    });
    const { tokens } = await client.getToken({ code: params?.get('code') ?? '', codeVerifier });

    expect(tokens.scope?.split(' ')).toEqual(
      expect.arrayContaining([`${G}gmail.send`, `${G}gmail.metadata`, 'openid']),
    );
  });

  it('when the consent omits the refresh token, then the token response has none', async () => {
    const email = newEmail();
    em.addAccount({ email });
    em.setConsent({ email, omitRefreshToken: true });
    const client = oauthClient();
    const { params, codeVerifier } = await authorize(client, SEND);

    const { tokens } = await client.getToken({ code: params?.get('code') ?? '', codeVerifier });

    expect(tokens.access_token).toBeTruthy();
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('when a refresh token is used, then a new access token comes back with the same scopes', async () => {
    const { client, tokens } = await connect(newEmail());
    client.setCredentials({ refresh_token: tokens.refresh_token });

    const { token } = await client.getAccessToken();

    expect(token).toBeTruthy();
    expect(token).not.toBe(tokens.access_token);
    expect(em.tokenRequests.at(-1)).toMatchObject({ grantType: 'refresh_token', status: 200 });
  });

  it('when a grant is arranged offline, then its refresh token works like a consented one and reaches that mailbox only', async () => {
    const email = newEmail();
    const { account, refreshToken } = em.grantOffline({ email, scopes: ['gmail.metadata'] });
    const client = oauthClient();
    client.setCredentials({ refresh_token: refreshToken });
    const gmail = gmailFor(client);

    const profile = await gmail.users.getProfile({ userId: 'me' });
    const send = await failure(
      gmail.users.messages.send({
        userId: 'me',
        requestBody: { raw: Buffer.from('Subject: x\r\n\r\nx').toString('base64url') },
      }),
    );

    expect(account.email).toBe(email);
    expect(profile.data.emailAddress).toBe(email);
    expect(send.status).toBe(403);
    expect(em.tokenRequests.at(-1)).toMatchObject({ grantType: 'refresh_token', status: 200 });
  });

  it('when rotation is on, then the new refresh token arrives only through the tokens event and the old one is dead', async () => {
    const { client, tokens } = await connect(newEmail());
    em.setRotateRefreshTokens(true);
    client.setCredentials({ refresh_token: tokens.refresh_token });
    let rotated: string | null | undefined;
    client.on('tokens', (t) => (rotated = t.refresh_token)); // read now: the library mutates this object afterwards

    const { credentials } = await client.refreshAccessToken();
    const old = await failure(withRefresh(tokens.refresh_token).refreshAccessToken());
    const fresh = await withRefresh(rotated).refreshAccessToken();

    expect(rotated).toMatch(/^1\/\//);
    expect(rotated).not.toBe(tokens.refresh_token);
    expect(credentials.refresh_token).toBe(tokens.refresh_token); // google-auth-library keeps the old one here
    expect(old).toMatchObject({ status: 400, data: { error: 'invalid_grant' } });
    expect(fresh.credentials.access_token).toBeTruthy();
  });

  it('when a token is revoked, then the whole grant is gone and a second revoke is invalid_token', async () => {
    const { client, tokens } = await connect(newEmail());

    const revoked = await client.revokeToken(tokens.access_token ?? '');
    const refresh = await failure(withRefresh(tokens.refresh_token).refreshAccessToken());
    const again = await failure(client.revokeToken(tokens.refresh_token ?? ''));

    expect(revoked.status).toBe(200);
    expect(refresh).toMatchObject({ status: 400, data: { error: 'invalid_grant' } });
    expect(again).toMatchObject({ status: 400, data: { error: 'invalid_token' } });
    expect(em.revocations.map((r) => r.status)).toEqual(expect.arrayContaining([200, 400]));
  });

  it('when the user revokes access at Google, then the next refresh is invalid_grant', async () => {
    const email = newEmail();
    const { tokens } = await connect(email);
    em.revokeAllGrants(email);

    const result = await failure(withRefresh(tokens.refresh_token).refreshAccessToken());

    expect(result).toMatchObject({ status: 400, data: { error: 'invalid_grant' } });
  });

  it('when the signing key rotates, then old and new ID tokens both verify', async () => {
    const { tokens: before } = await connect(newEmail());
    em.rotateSigningKey();
    const { tokens: after } = await connect(newEmail());
    const verifier = oauthClient();

    await verifier.verifyIdToken({ idToken: before.id_token ?? '', audience: em.clientId });
    await verifier.verifyIdToken({ idToken: after.id_token ?? '', audience: em.clientId });

    expect(decodeJwt(before.id_token ?? '').header.kid).not.toBe(decodeJwt(after.id_token ?? '').header.kid);
  });
});

function withRefresh(refreshToken: string | null | undefined): OAuth2Client {
  const c = oauthClient();
  c.setCredentials({ refresh_token: refreshToken });
  return c;
}

describe('Gmail API', () => {
  it('when a non-ASCII message is sent through googleapis, then the emulator decodes its headers and body', async () => {
    const email = newEmail();
    const { client } = await connect(email, [`${G}gmail.send`, `${G}gmail.readonly`, ...SIGN_IN]);
    const gmail = gmailFor(client);
    const source = compose({
      from: email,
      to: [`${encodeWord('Zoë Müller')} <zoe@example.org>`, 'bob@example.org'],
      subject: 'Grüße aus Köln — 会議',
      body: 'Hallo Zoë,\nbis morgen.',
      messageId: '<draft-1@example.test>',
    });

    const { data } = await gmail.users.messages.send({
      userId: 'me',
      requestBody: { raw: Buffer.from(source).toString('base64url') },
    });
    const [sent] = em.sent(email);
    const meta = await gmail.users.messages.get({
      userId: 'me',
      id: data.id ?? '',
      format: 'metadata',
      metadataHeaders: ['Subject', 'Message-ID'],
    });
    const search = await gmail.users.messages.list({
      userId: 'me',
      q: 'rfc822msgid:<draft-1@example.test>',
    });

    expect(data.labelIds).toEqual(['SENT']);
    expect(sent).toMatchObject({
      id: data.id,
      to: ['zoe@example.org', 'bob@example.org'],
      body: 'Hallo Zoë,\nbis morgen.',
      headersAscii: true,
    });
    expect(sent?.headers.subject).toBe('Grüße aus Köln — 会議');
    expect(sent?.headers.to).toContain('Zoë Müller <zoe@example.org>');
    expect(sent?.headerLines.find((l) => l.startsWith('Subject:'))).toContain('=?UTF-8?B?');
    expect(meta.data.payload?.headers).toEqual([
      { name: 'Subject', value: 'Grüße aus Köln — 会議' },
      { name: 'Message-ID', value: '<draft-1@example.test>' },
    ]);
    expect(search.data.messages).toEqual([{ id: data.id, threadId: data.threadId }]);
  });

  it.each([
    ['media', undefined],
    ['multipart', {}],
  ])(
    'when send uses the %s upload path, then the message is stored too',
    async (_uploadType, requestBody) => {
      const email = newEmail();
      const { client } = await connect(email);
      const source = compose({
        from: email,
        to: ['a@example.org'],
        subject: 'upload',
        body: 'x',
        messageId: '<up@t>',
      });

      // googleapis builds upload URLs from the per-call rootUrl only, never from gmail({rootUrl}).
      await gmailFor(client).users.messages.send(
        { userId: 'me', requestBody, media: { mimeType: 'message/rfc822', body: source } },
        { rootUrl: em.urls.gmailApiUrl },
      );

      expect(em.sent(email).map((m) => m.headers.subject)).toEqual(['upload']);
      expect(em.requests.at(-1)?.path).toBe('/upload/gmail/v1/users/me/messages/send');
    },
  );

  it('when the token only has gmail.send, then reads are 403 and a bad token is 401', async () => {
    const { client } = await connect(newEmail());
    const gmail = gmailFor(client);

    const list = await failure(gmail.users.messages.list({ userId: 'me' }));
    const profile = await failure(gmail.users.getProfile({ userId: 'me' }));
    const forged = await failure(
      fetch(`${em.urls.gmailApiUrl}gmail/v1/users/me/profile`, {
        headers: { authorization: 'Bearer ya29.forged' },
      }).then(assertOk),
    );

    expect(list).toMatchObject({
      status: 403,
      data: { error: { status: 'PERMISSION_DENIED', errors: [{ reason: 'insufficientPermissions' }] } },
    });
    expect(profile.status).toBe(403);
    expect(forged).toMatchObject({ status: 401, data: { error: { code: 401, status: 'UNAUTHENTICATED' } } });
  });

  it('when the token only has gmail.metadata, then q and format=full are refused like Gmail', async () => {
    const email = newEmail();
    const { client } = await connect(email, [`${G}gmail.metadata`, ...SIGN_IN]);
    const gmail = gmailFor(client);
    const m = em.deliver(email, { from: 'a@example.org', subject: 'hi' });

    const q = await failure(gmail.users.messages.list({ userId: 'me', q: 'rfc822msgid:x@y' }));
    const full = await failure(gmail.users.messages.get({ userId: 'me', id: m.id }));
    const meta = await gmail.users.messages.get({
      userId: 'me',
      id: m.id,
      format: 'metadata',
      metadataHeaders: ['From'],
    });

    expect(q).toMatchObject({
      status: 403,
      data: { error: { message: "Metadata scope does not support 'q' parameter" } },
    });
    expect(full.status).toBe(403);
    expect(meta.data.payload?.headers).toEqual([{ name: 'From', value: 'a@example.org' }]);
  });

  it('when a reply is sent with a threadId, then it joins the thread only with In-Reply-To or References and a matching subject', async () => {
    const email = newEmail();
    const { client } = await connect(email, [`${G}gmail.send`, `${G}gmail.metadata`, ...SIGN_IN]);
    const gmail = gmailFor(client);
    const original = em.deliver(email, {
      from: 'Ana <ana@example.org>',
      subject: 'Budget',
      headers: { 'Message-ID': '<orig@example.org>', References: '<root@example.org>' },
    });
    const send = (subject: string, extra: string[], threadId = original.threadId) =>
      gmail.users.messages.send({
        userId: 'me',
        requestBody: {
          threadId,
          raw: Buffer.from(
            compose({
              from: email,
              to: ['ana@example.org'],
              subject,
              body: 'ok',
              messageId: `<r${extra.length}${subject.length}@x.test>`,
              extra,
            }),
          ).toString('base64url'),
        },
      });
    const threading = [
      'In-Reply-To: <orig@example.org>',
      'References: <root@example.org> <orig@example.org>',
    ];

    const meta = await gmail.users.messages.get({
      userId: 'me',
      id: original.id,
      format: 'metadata',
      metadataHeaders: ['Message-ID', 'References', 'Subject', 'From'],
    });
    const reply = await send('Re: Budget', threading);
    const noHeaders = await send('Re: Budget', []);
    const otherSubject = await send('Something else', threading);
    const unknownThread = await failure(send('Re: Budget', threading, 'ffffffffffffffff'));

    expect(meta.data.threadId).toBe(original.threadId);
    expect(meta.data.payload?.headers).toEqual([
      { name: 'From', value: 'Ana <ana@example.org>' },
      { name: 'Subject', value: 'Budget' },
      { name: 'Message-ID', value: '<orig@example.org>' },
      { name: 'References', value: '<root@example.org>' },
    ]);
    expect(reply.data.threadId).toBe(original.threadId);
    expect(noHeaders.data.threadId).not.toBe(original.threadId);
    expect(otherSubject.data.threadId).not.toBe(original.threadId);
    expect(unknownThread.status).toBe(404);
    const kept = em.sent(email).find((m) => m.id === reply.data.id);
    expect(kept).toMatchObject({
      threadId: original.threadId,
      headers: { 'in-reply-to': '<orig@example.org>', references: '<root@example.org> <orig@example.org>' },
    });
  });

  it('when the token has gmail.send and gmail.metadata, then SENT is listed newest first, after the listing lag, with our Message-ID', async () => {
    const email = newEmail();
    const { client } = await connect(email, [`${G}gmail.send`, `${G}gmail.metadata`, ...SIGN_IN]);
    const gmail = gmailFor(client);
    const send = (messageId: string) =>
      gmail.users.messages.send({
        userId: 'me',
        requestBody: {
          raw: Buffer.from(
            compose({ from: email, to: ['a@example.org'], subject: 's', body: 'x', messageId }),
          ).toString('base64url'),
        },
      });
    em.deliver(email, { from: 'b@example.org', subject: 'inbound' });
    const first = await send('<one@example.test>');
    em.setSentListingDelay(60_000);
    const second = await send('<two@example.test>');
    em.setSentListingDelay(0);

    const listed = await gmail.users.messages.list({ userId: 'me', labelIds: ['SENT'], maxResults: 5 });
    const meta = await gmail.users.messages.get({
      userId: 'me',
      id: second.data.id ?? '',
      format: 'metadata',
      metadataHeaders: ['Message-ID'],
    });

    // The second send is not listed yet (Gmail's index lags), though it can be fetched by id.
    expect(listed.data.messages).toEqual([{ id: first.data.id, threadId: first.data.threadId }]);
    expect(meta.data.labelIds).toEqual(['SENT']);
    expect(meta.data.payload?.headers).toEqual([{ name: 'Message-ID', value: '<two@example.test>' }]);
  });

  it('when Google expires the access token early, then only a client with forceRefreshOnFailure recovers from the 401', async () => {
    const email = newEmail();
    const { client, tokens } = await connect(email, [`${G}gmail.metadata`, ...SIGN_IN]);
    em.expireAccessTokens(email);
    const recovering = oauthClient({ forceRefreshOnFailure: true });
    recovering.setCredentials(tokens);

    const stuck = await failure(gmailFor(client).users.getProfile({ userId: 'me' }));
    const { data } = await gmailFor(recovering).users.getProfile({ userId: 'me' });

    expect(stuck.status).toBe(401); // expiry_date is in the future, so the library does not refresh on 401
    expect(data.emailAddress).toBe(email);
    expect(em.tokenRequests.at(-1)).toMatchObject({ grantType: 'refresh_token', status: 200 });
  });

  it('when mail arrives after a watch, then history.list pages through every added INBOX message', async () => {
    const email = newEmail();
    const { client } = await connect(email, [`${G}gmail.metadata`, ...SIGN_IN]);
    const gmail = gmailFor(client);
    const watch = await gmail.users.watch({
      userId: 'me',
      requestBody: {
        topicName: 'projects/p/topics/gmail',
        labelIds: ['INBOX'],
        labelFilterBehavior: 'include',
      },
    });
    const delivered = [1, 2, 3, 4, 5].map((i) =>
      em.deliver(email, { from: 'a@example.org', subject: `m${i}` }),
    );
    em.deliver(email, { from: 'spam@example.org', subject: 'spam', labelIds: ['SPAM'] });

    const pages: gmail_v1.Schema$ListHistoryResponse[] = [];
    let pageToken: string | undefined;
    do {
      const { data } = await gmail.users.history.list({
        userId: 'me',
        startHistoryId: watch.data.historyId ?? '',
        historyTypes: ['messageAdded'],
        labelId: 'INBOX',
        maxResults: 2,
        pageToken,
      });
      pages.push(data);
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
    const added = pages
      .flatMap((p) => p.history ?? [])
      .flatMap((h) => h.messagesAdded ?? [])
      .map((a) => a.message?.id);

    expect(em.watches(email)).toMatchObject({ topicName: 'projects/p/topics/gmail', labelIds: ['INBOX'] });
    expect(Number(watch.data.expiration)).toBeGreaterThan(Date.now() + 6 * 24 * 3600 * 1000);
    expect(pages).toHaveLength(3);
    expect(added).toEqual(delivered.map((m) => m.id));
    expect(pages.at(-1)?.historyId).toBe(em.historyId(email));
  });

  it('when nothing changed since the cursor, then history.list omits history like Gmail', async () => {
    const email = newEmail();
    const { client } = await connect(email, [`${G}gmail.metadata`, ...SIGN_IN]);

    const { data } = await gmailFor(client).users.history.list({
      userId: 'me',
      startHistoryId: em.historyId(email),
    });

    expect(data).toEqual({ historyId: em.historyId(email) });
  });

  it('when the cursor is older than the kept history, then history.list is 404 notFound', async () => {
    const email = newEmail();
    const { client } = await connect(email, [`${G}gmail.readonly`, ...SIGN_IN]);
    const old = em.historyId(email);
    em.deliver(email, { from: 'a@example.org', subject: 'x' });
    em.expireHistoryBefore(email, em.historyId(email));

    const result = await failure(
      gmailFor(client).users.history.list({ userId: 'me', startHistoryId: old }, { retry: false }),
    );

    expect(result).toMatchObject({
      status: 404,
      data: { error: { code: 404, errors: [{ reason: 'notFound' }] } },
    });
  });

  it('when users.stop is called, then the watch is gone and the call is recorded', async () => {
    const email = newEmail();
    const { client } = await connect(email, [`${G}gmail.metadata`, ...SIGN_IN]);
    const gmail = gmailFor(client);
    await gmail.users.watch({ userId: 'me', requestBody: { topicName: 'projects/p/topics/gmail' } });

    const res = await gmail.users.stop({ userId: 'me' });

    expect(res.status).toBe(204);
    expect(em.watches(email)).toBeNull();
    expect(em.stopCalls).toContainEqual({ email });
  });

  it('when users.watch is called, then the call is recorded with the instants it was received and answered', async () => {
    const email = newEmail();
    const { client } = await connect(email, [`${G}gmail.metadata`, ...SIGN_IN]);
    const before = Date.now();
    await gmailFor(client).users.watch({
      userId: 'me',
      requestBody: { topicName: 'projects/p/topics/gmail' },
    });

    expect(em.watchCalls.find((c) => c.email === email)?.topicName).toBe('projects/p/topics/gmail');
    const answered = em.watchCallTimes.find((c) => c.email === email);
    expect(answered!.receivedAt).toBeGreaterThanOrEqual(before);
    expect(answered!.at).toBeGreaterThanOrEqual(answered!.receivedAt);
    expect(answered!.at).toBeLessThanOrEqual(Date.now());
  });
});

async function assertOk(res: Response): Promise<Response> {
  if (!res.ok) throw { response: { status: res.status, data: await res.json() } };
  return res;
}

describe('Pub/Sub push', () => {
  let receiver: Server;
  let received: Array<{ headers: IncomingHttpHeaders; body: string }>;
  const audience = 'https://app.example.test/pubsub/gmail';
  const serviceAccountEmail = 'gmail-push@test-project.iam.gserviceaccount.com';

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;
    em.configurePush({ endpoint: `http://127.0.0.1:${port}/pubsub/gmail`, audience, serviceAccountEmail });
  });
  afterAll(async () => {
    await new Promise((resolve) => receiver.close(resolve));
  });
  beforeEach(() => {
    received = [];
  });

  const bearer = (i = 0) => /^Bearer (.+)$/.exec(received[i]?.headers.authorization ?? '')?.[1] ?? '';

  async function verify(token: string) {
    const verifier = oauthClient();
    const { certs } = await verifier.getFederatedSignonCertsAsync();
    return verifier.verifySignedJwtWithCertsAsync(token, certs, audience, [
      'accounts.google.com',
      'https://accounts.google.com',
    ]);
  }

  it('when a watched mailbox gets INBOX mail, then a push with a verifiable OIDC token arrives', async () => {
    const email = newEmail();
    const { client } = await connect(email, [`${G}gmail.metadata`, ...SIGN_IN]);
    await gmailFor(client).users.watch({
      userId: 'me',
      requestBody: { topicName: 'projects/p/topics/gmail', labelIds: ['INBOX'] },
    });

    em.deliver(email, { from: 'a@example.org', subject: 'new' });
    em.deliver(email, { from: 'b@example.org', subject: 'junk', labelIds: ['SPAM'] });
    await em.settled();
    const envelope = JSON.parse(received[0]?.body ?? '{}');
    const ticket = await verify(bearer());

    expect(received).toHaveLength(1);
    expect(ticket.getPayload()).toMatchObject({
      aud: audience,
      email: serviceAccountEmail,
      email_verified: true,
      iss: 'https://accounts.google.com',
    });
    expect(envelope).toMatchObject({
      subscription: expect.stringMatching(/^projects\/.+\/subscriptions\//),
      message: { messageId: expect.any(String), attributes: {} },
    });
    expect(envelope.message.message_id).toBe(envelope.message.messageId);
    expect(JSON.parse(Buffer.from(envelope.message.data, 'base64').toString())).toEqual({
      emailAddress: email,
      historyId: Number(em.historyId(email)) - 1,
    });
    expect(em.pushes.at(-1)).toMatchObject({ status: 204, token: 'valid' });
  });

  const rejected: Array<[TokenVariant, RegExp | ((p: Record<string, unknown>) => boolean)]> = [
    ['bad-signature', /Invalid token signature/],
    ['alg-none', /Invalid token signature/],
    ['other-key', /No pem found/],
    ['expired', /Token used too late/],
    ['wrong-issuer', /Invalid issuer/],
    ['wrong-audience', /Wrong recipient/],
    ['wrong-email', (p) => p.email !== serviceAccountEmail && p.email_verified === true],
    ['unverified-email', (p) => p.email === serviceAccountEmail && p.email_verified === false],
  ];

  it.each(rejected)(
    'when the token variant is %s, then standard verification exposes the flaw',
    async (variant, flaw) => {
      const email = newEmail();
      em.addAccount({ email });

      await em.push(email, { token: variant });
      const token = bearer();

      if (flaw instanceof RegExp) await expect(verify(token)).rejects.toThrow(flaw);
      else expect(flaw((await verify(token)).getPayload() as unknown as Record<string, unknown>)).toBe(true);
    },
  );

  it('when the token variant is none, then no Authorization header is sent', async () => {
    const email = newEmail();
    em.addAccount({ email });

    const result = await em.push(email, { token: 'none' });

    expect(result.status).toBe(204);
    expect(received[0]?.headers.authorization).toBeUndefined();
  });

  it('when the same messageId is pushed twice or the body is overridden, then it is sent as given', async () => {
    const email = newEmail();
    em.addAccount({ email });

    await em.push(email, { messageId: '42' });
    await em.push(email, { messageId: '42' });
    await em.push(email, { body: { not: 'an envelope' } });

    expect(received.slice(0, 2).map((r) => JSON.parse(r.body).message.messageId)).toEqual(['42', '42']);
    expect(JSON.parse(received[2]?.body ?? '')).toEqual({ not: 'an envelope' });
  });

  it('when signPushToken gets claim overrides, then they end up in the token', async () => {
    const token = em.signPushToken({ aud: 'other', email_verified: false });
    expect(decodeJwt(token).payload).toMatchObject({
      aud: 'other',
      email_verified: false,
      email: serviceAccountEmail,
    });
  });

  it('when a push fault drops it, then nothing is delivered and the push records status 0', async () => {
    const email = newEmail();
    em.addAccount({ email });
    em.fail('push', { drop: true });

    const result = await em.push(email);

    expect(result.status).toBe(0);
    expect(received).toHaveLength(0);
  });
});

describe('fault injection', () => {
  it('when send fails with 429 and Retry-After, then nothing is sent and the header is visible', async () => {
    const email = newEmail();
    const { client } = await connect(email);
    em.fail('gmail.send', { status: 429, retryAfter: 7 });
    const raw = Buffer.from(
      compose({ from: email, to: ['a@example.org'], subject: 's', body: 'b', messageId: '<f1@t>' }),
    ).toString('base64url');

    const result = await failure(
      gmailFor(client).users.messages.send({ userId: 'me', requestBody: { raw } }),
    );

    expect(result).toMatchObject({
      status: 429,
      data: { error: { status: 'RESOURCE_EXHAUSTED', errors: [{ reason: 'rateLimitExceeded' }] } },
    });
    expect(result.headers?.get('retry-after')).toBe('7');
    expect(em.sent(email)).toHaveLength(0);
  });

  it('when send fails after its effect, then the client sees a 500 but the mail was sent', async () => {
    const email = newEmail();
    const { client } = await connect(email);
    em.fail('gmail.send', { status: 500, afterEffect: true });
    const raw = Buffer.from(
      compose({ from: email, to: ['a@example.org'], subject: 'ambiguous', body: 'b', messageId: '<f2@t>' }),
    ).toString('base64url');

    const result = await failure(
      gmailFor(client).users.messages.send({ userId: 'me', requestBody: { raw } }),
    );

    expect(result.status).toBe(500);
    expect(em.sent(email).map((m) => m.messageIdHeader)).toEqual(['<f2@t>']);
  });

  it('when a request is dropped, then the client gets a network error and the request is logged', async () => {
    const email = newEmail();
    const { client } = await connect(email, [`${G}gmail.metadata`, ...SIGN_IN]);
    em.fail('gmail.profile', { drop: true });

    const result = await failure(gmailFor(client).users.getProfile({ userId: 'me' }, { retry: false }));

    expect(result.status).toBeUndefined();
    expect(em.requests.at(-1)).toMatchObject({ endpoint: 'gmail.profile', status: 0, email });
  });

  it('when a request is delayed past the client timeout, then the client aborts; a later call is served', async () => {
    const email = newEmail();
    const { client } = await connect(email, [`${G}gmail.metadata`, ...SIGN_IN]);
    const gmail = gmailFor(client);
    em.fail('gmail.profile', { delayMs: 30_000 });

    const slow = await failure(gmail.users.getProfile({ userId: 'me' }, { timeout: 200, retry: false }));
    const next = await gmail.users.getProfile({ userId: 'me' });

    expect(slow.status).toBeUndefined();
    expect(next.data.emailAddress).toBe(email);
  });

  it('when the token endpoint is told invalidGrant, then one refresh fails and the next works', async () => {
    const { tokens } = await connect(newEmail());
    em.fail('token', { invalidGrant: true });

    const first = await failure(withRefresh(tokens.refresh_token).refreshAccessToken());
    const second = await withRefresh(tokens.refresh_token).refreshAccessToken();

    expect(first).toMatchObject({ status: 400, data: { error: 'invalid_grant' } });
    expect(second.credentials.access_token).toBeTruthy();
  });

  it('when the token endpoint fails once with 503, then google-auth-library retries the POST by itself', async () => {
    const { tokens } = await connect(newEmail());
    em.fail('token', { status: 503 });

    const { credentials } = await withRefresh(tokens.refresh_token).refreshAccessToken();

    expect(credentials.access_token).toBeTruthy();
    expect(em.tokenRequests.at(-1)).toMatchObject({ grantType: 'refresh_token', status: 200 });
  });

  it('when clearFaults is called, then queued faults are gone', async () => {
    em.fail('certs', { status: 500, times: 5 });
    em.clearFaults();

    const res = await fetch(em.urls.certsUrl);

    expect(res.status).toBe(200);
  });
});

describe('interactive consent', () => {
  it('when interactive, then the authorize URL shows a chooser whose Allow redirects with a code', async () => {
    const dev = await startGoogleEmulator({ interactive: true, redirectUris: [REDIRECT_URI] });
    try {
      dev.addAccount({ email: 'dev@example.com' });
      const url = new URL(dev.urls.authUrl);
      Object.entries({
        client_id: dev.clientId,
        redirect_uri: REDIRECT_URI,
        response_type: 'code',
        scope: `openid email ${G}gmail.send`,
        code_challenge: 'a'.repeat(43),
        code_challenge_method: 'S256',
        state: 's1',
      }).forEach(([k, v]) => url.searchParams.set(k, v));

      const page = await (await fetch(url)).text();
      const request = /name="request" value="([^"]+)"/.exec(page)?.[1] ?? '';
      const form = new URLSearchParams({
        request,
        email: 'dev@example.com',
        scope: `${G}gmail.send`,
        decision: 'allow',
      });
      const res = await fetch(`${dev.baseUrl}/o/oauth2/v2/auth/consent`, {
        method: 'POST',
        body: form,
        redirect: 'manual',
      });
      const back = new URL(res.headers.get('location') ?? '');

      expect(page).toContain('Allow');
      expect(back.searchParams.get('state')).toBe('s1');
      expect(back.searchParams.get('code')).toBeTruthy();
      expect(back.searchParams.get('scope')).toContain('gmail.send');
    } finally {
      await dev.close();
    }
  });
});
