import { Client } from 'pg';
import { startStack, eventually, type Stack } from '../helpers/stack';
import {
  authorize,
  begin,
  connectUser,
  getPage,
  openStartPage,
  requestPrompt,
  slashReply,
} from '../helpers/connect-flow';
import { SEND_SCOPE } from '../helpers/connect';

const EMAIL_SCOPES = ['openid', 'email'];

describe('connect Gmail from Slack', () => {
  let stack: Stack;
  let db: Client;
  let userSeq = 0;
  const newUser = () => {
    const id = `U${String(++userSeq).padStart(4, '0')}CONN`;
    stack.slack.addUser({ id, name: `person${userSeq}`, realName: `Person ${userSeq}` });
    return id;
  };
  const connectionOf = async (userId: string) =>
    (await db.query('SELECT * FROM gmail_connections WHERE user_id = $1', [userId])).rows[0];
  const statusText = (userId: string) => slashReply(stack, userId, '/ai-email-status');

  beforeAll(async () => {
    stack = await startStack();
    db = new Client({ connectionString: stack.db.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await stack?.close();
  });

  it('when Sign in with Slack is not set up, then the start page names the person by handle and user id first, the real name only as a hint', async () => {
    const userId = newUser();
    stack.slack.addUser({ id: userId, name: `person${userSeq}`, realName: 'Alice Smith' });
    const prompt = await requestPrompt(stack, userId);
    const start = await getPage(prompt.startUrl);
    expect(start.status).toBe(200);
    const text = start.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    const named = text.indexOf(`@person${userSeq} (${userId})`);
    expect(named).toBeGreaterThan(-1);
    expect(text.indexOf('Alice Smith')).toBeGreaterThan(named);
    expect(text).toMatch(/name as “Alice Smith”. Anyone can give themselves any name/);
    expect(start.body).toContain('name="code"');
  });

  it('when a user connects, then the token is stored sealed, the user gets a DM and the success page names them', async () => {
    const userId = newUser();
    const prompt = await requestPrompt(stack, userId);
    expect(prompt.message.kind).toBe('response_url');
    expect(prompt.message.responseType).toBe('ephemeral');
    const start = await getPage(prompt.startUrl);
    expect(start.status).toBe(200);
    expect(start.body).toContain(`person${userSeq}`);
    expect(start.body).toContain(stack.slack.teamName);
    expect(start.headers.get('referrer-policy')).toBe('no-referrer');
    expect(start.headers.get('content-security-policy')).toMatch(/default-src 'none'/);

    stack.google.addAccount({ email: 'ada@example.com' });
    const started = await begin(stack, prompt.pairingId, prompt.code.toLowerCase());
    expect(started.status).toBe(303);
    expect(started.cookie).toMatch(/^mb_oauth_[A-Za-z0-9_-]+=/);
    const auth = new URL(started.location!);
    expect(auth.origin + auth.pathname).toBe(stack.google.urls.authUrl);
    expect(Object.fromEntries(auth.searchParams)).toMatchObject({
      access_type: 'offline',
      prompt: 'consent',
      code_challenge_method: 'S256',
      redirect_uri: `${stack.baseUrl}/oauth/google/callback`,
      scope: `${SEND_SCOPE} openid email`,
    });
    const done = await getPage(await authorize(started.location!), started.cookie);
    expect(done.status).toBe(200);
    expect(done.body).toContain('ada@example.com');
    expect(done.body).toContain(`person${userSeq}`);

    const row = await connectionOf(userId);
    expect(row).toMatchObject({ status: 'active', email: 'ada@example.com', key_version: 'v1' });
    expect(row.sealed_token.toString('utf8')).not.toContain(
      stack.google.tokenRequests.at(-1)?.params.code ?? '@@',
    );
    expect(
      await stack.slack.waitForMessage(
        (m) => m.kind === 'postMessage' && /Connected as ada@example.com/.test(m.text ?? ''),
      ),
    ).toBeTruthy();
    expect(await statusText(userId)).toMatch(/Connected as \*ada@example.com\*/);
    // Neither the authorization code nor tokens reach the logs.
    const logs = JSON.stringify(stack.server.logs);
    for (const r of stack.google.tokenRequests)
      expect(logs).not.toContain(r.params.code ?? r.params.refresh_token ?? '@@');
    expect(logs).toContain('/oauth/google/callback');
    expect(logs).not.toMatch(/callback\?|state=|code=/);
  });

  it('when the code is wrong five times, then the pairing burns; a right code afterwards is refused', async () => {
    const userId = newUser();
    const prompt = await requestPrompt(stack, userId);
    const form = await openStartPage(stack, prompt.pairingId);
    const first = await begin(stack, prompt.pairingId, 'ZZZZZZ', form);
    expect(first.status).toBe(400);
    expect(first.body).toMatch(/4 tries left/);
    for (let i = 0; i < 4; i++) await begin(stack, prompt.pairingId, 'ZZZZZZ', form);
    const after = await begin(stack, prompt.pairingId, prompt.code, form);
    expect(after.status).toBe(410);
    expect(after.body).toMatch(/disabled/);
    expect(after.body).toMatch(/ai-email-connect/);
  });

  it('when a pairing expired or was already used, then the start page says so and what to do', async () => {
    const userId = newUser();
    const prompt = await requestPrompt(stack, userId);
    await db.query("UPDATE pairings SET expires_at = now() - interval '1 minute' WHERE id = $1", [
      prompt.pairingId,
    ]);
    const page = await getPage(prompt.startUrl);
    expect(page.status).toBe(410);
    expect(page.body).toMatch(/expired/);
    const again = await requestPrompt(stack, userId);
    const form = await openStartPage(stack, again.pairingId);
    expect((await begin(stack, again.pairingId, again.code, form)).status).toBe(303);
    expect((await begin(stack, again.pairingId, again.code, form)).status).toBe(410);
  });

  it('when many wrong codes race, then no more than five are ever checked', async () => {
    const userId = newUser();
    const prompt = await requestPrompt(stack, userId);
    const form = await openStartPage(stack, prompt.pairingId);
    const results = await Promise.all(
      Array.from({ length: 30 }, () => begin(stack, prompt.pairingId, 'ZZZZZZ', form)),
    );
    expect(results.filter((r) => r.status === 400)).toHaveLength(4);
    const row = (
      await db.query('SELECT failed_attempts, burnt_at FROM pairings WHERE id = $1', [prompt.pairingId])
    ).rows[0];
    expect(row.failed_attempts).toBe(5);
    expect(row.burnt_at).not.toBeNull();
    expect((await begin(stack, prompt.pairingId, prompt.code, form)).status).toBe(410);
  });

  it('when the code form is posted from another site or without the start page, then it is refused before the code is checked', async () => {
    const userId = newUser();
    const prompt = await requestPrompt(stack, userId);
    const form = await openStartPage(stack, prompt.pairingId);
    const crossSite = await begin(stack, prompt.pairingId, prompt.code, {
      ...form,
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.cookie).toBeUndefined();
    expect(crossSite.body).toMatch(/link from .*ai-email-connect/);
    // A forged form has the pairing and code but not this browser's form cookie.
    expect(
      (await begin(stack, prompt.pairingId, prompt.code, { formCookie: '', formToken: form.formToken }))
        .status,
    ).toBe(403);
    const otherBrowser = await openStartPage(stack, prompt.pairingId);
    expect(
      (await begin(stack, prompt.pairingId, prompt.code, { ...otherBrowser, formToken: form.formToken }))
        .status,
    ).toBe(403);
    const row = (
      await db.query('SELECT failed_attempts, used_at FROM pairings WHERE id = $1', [prompt.pairingId])
    ).rows[0];
    expect(row).toEqual({ failed_attempts: 0, used_at: null });
    expect((await begin(stack, prompt.pairingId, prompt.code, form)).status).toBe(303);
  });

  it('when the state is tampered, reused, expired or from another browser, then nothing is connected', async () => {
    const userId = newUser();
    stack.google.addAccount({ email: 'eve@example.com' });
    // eve's own account: the emulator's default is the first account, which another person here already holds.
    stack.google.setConsent({ email: 'eve@example.com', times: 1 });
    const prompt = await requestPrompt(stack, userId);
    const started = await begin(stack, prompt.pairingId, prompt.code);
    const callback = new URL(await authorize(started.location!));

    const tampered = new URL(callback);
    tampered.searchParams.set('state', `${callback.searchParams.get('state')!.slice(0, -2)}AA`);
    expect((await getPage(tampered.toString(), started.cookie)).body).toMatch(/not valid/);

    const otherBrowser = await getPage(callback.toString(), started.cookie!.replace(/=.*/, '=someone-else'));
    expect(otherBrowser.status).toBe(400);
    expect(otherBrowser.body).toMatch(/different browser/);
    expect((await getPage(callback.toString())).body).toMatch(/different browser/);

    expect((await getPage(callback.toString(), started.cookie)).status).toBe(200);
    const reused = await getPage(callback.toString(), started.cookie);
    expect(reused.status).toBe(400);
    expect(reused.body).toMatch(/already used/);

    const later = await requestPrompt(stack, newUser());
    const startedLater = await begin(stack, later.pairingId, later.code);
    const callbackLater = await authorize(startedLater.location!);
    await db.query(
      "UPDATE oauth_attempts SET expires_at = now() - interval '1 second' WHERE pairing_id = $1",
      [later.pairingId],
    );
    expect((await getPage(callbackLater, startedLater.cookie)).body).toMatch(/already used or has expired/);
    expect(await connectionOf(`U${String(userSeq).padStart(4, '0')}CONN`)).toBeUndefined();
  });

  it('when an authorization code is replayed into another attempt, then the PKCE check at Google refuses it', async () => {
    const userId = newUser();
    stack.google.addAccount({ email: 'mallory@example.com' });
    const a = await requestPrompt(stack, userId);
    const startedA = await begin(stack, a.pairingId, a.code);
    const codeOfA = new URL(await authorize(startedA.location!)).searchParams.get('code')!;
    const b = await requestPrompt(stack, userId);
    const startedB = await begin(stack, b.pairingId, b.code);
    const callbackB = new URL(await authorize(startedB.location!));
    callbackB.searchParams.set('code', codeOfA);
    const page = await getPage(callbackB.toString(), startedB.cookie);
    expect(page.status).toBe(400);
    expect(page.body).toMatch(/Could not connect|did not accept/);
    expect(stack.google.tokenRequests.some((r) => r.params.code === codeOfA && r.status === 400)).toBe(true);
    expect(await connectionOf(userId)).toBeUndefined();
  });

  it('when consent is denied or gmail.send is unticked, then nothing is stored and the page says what to do', async () => {
    const userId = newUser();
    stack.google.addAccount({ email: 'bob@example.com' });
    stack.google.setConsent({ email: 'bob@example.com', deny: true, times: 1 });
    const prompt = await requestPrompt(stack, userId);
    const started = await begin(stack, prompt.pairingId, prompt.code);
    const back = await fetch(started.location!, { redirect: 'manual' });
    const page = await getPage(back.headers.get('location')!, started.cookie);
    expect(page.body).toMatch(/Nothing was connected/);

    const partial = await connectUser(stack, { userId, email: 'bob@example.com', grantScopes: EMAIL_SCOPES });
    expect(partial.status).toBe(400);
    expect(partial.body).toMatch(/Send email on your behalf/);
    expect(await connectionOf(userId)).toBeUndefined();
  });

  it('when Google has not verified the account email (claim false or missing), then nothing is connected, the grant Google issued is revoked and the page says what to do', async () => {
    for (const [email, emailVerified] of [
      ['unverified@example.com', false],
      ['noclaim@example.com', null],
    ] as const) {
      const userId = newUser();
      stack.google.addAccount({ email, emailVerified });
      const revocationsBefore = stack.google.revocations.length;
      const page = await connectUser(stack, { userId, email });
      // The revocation happens before the page is answered, and it ends a live grant (200, not invalid_token).
      expect(stack.google.revocations.slice(revocationsBefore).map((r) => r.status)).toEqual([200]);
      expect(page.status).toBe(400);
      expect(page.body).toMatch(/Email address not verified/);
      expect(page.body).toMatch(/What next:.*ai-email-connect/s);
      expect(await connectionOf(userId)).toBeUndefined();
      expect(stack.slack.messages.some((m) => m.text?.includes(`Connected as ${email}`))).toBe(false);
    }
  });

  it('when the same account reconnects, its token is not revoked; a different account replaces and revokes the old one', async () => {
    const userId = newUser();
    await connectUser(stack, { userId, email: 'carol@example.com' });
    const first = await connectionOf(userId);
    const revocationsBefore = stack.google.revocations.length;
    stack.google.setConsent({ email: 'carol@example.com', omitRefreshToken: true, times: 1 });
    expect((await connectUser(stack, { userId, email: 'carol@example.com' })).status).toBe(200);
    expect(stack.google.revocations.length).toBe(revocationsBefore);
    expect((await connectionOf(userId)).id).toBe(first.id);
    expect(await statusText(userId)).toMatch(/carol@example.com/);

    expect((await connectUser(stack, { userId, email: 'dave@example.com' })).status).toBe(200);
    expect((await connectionOf(userId)).email).toBe('dave@example.com');
    await eventually(
      () =>
        stack.google.revocations.length > revocationsBefore &&
        stack.google.revocations.at(-1)!.status === 200,
    );
    expect(await statusText(userId)).toMatch(/dave@example.com/);
  });

  it('when Google rotates the refresh token, then the new one is stored and keeps working after a restart', async () => {
    const userId = newUser();
    await connectUser(stack, { userId, email: 'rota@example.com' });
    const before = (await connectionOf(userId)).sealed_token as Buffer;
    stack.google.setRotateRefreshTokens(true);
    try {
      expect(await statusText(userId)).toMatch(/Connected as/);
      const after = (await connectionOf(userId)).sealed_token as Buffer;
      expect(after.equals(before)).toBe(false);
      // A fresh process has no cached access token: it must refresh with the rotated token (the old one is dead).
      await stack.server.stop('SIGTERM');
      await stack.restart();
      expect(await statusText(userId)).toMatch(/Connected as \*rota@example.com\*/);
      expect((await connectionOf(userId)).status).toBe('active');
    } finally {
      stack.google.setRotateRefreshTokens(false);
    }
  });

  it('when Google answers invalid_grant, then the connection is invalid and the user is told once', async () => {
    const userId = newUser();
    await connectUser(stack, { userId, email: 'gone@example.com' });
    stack.google.revokeAllGrants('gone@example.com');
    expect(await statusText(userId)).toMatch(/no longer valid/);
    expect(await statusText(userId)).toMatch(/no longer valid/);
    expect((await connectionOf(userId)).status).toBe('invalid');
    const told = stack.slack.messages.filter(
      (m) => m.kind === 'postMessage' && /stopped working/.test(m.text ?? ''),
    );
    expect(told).toHaveLength(1);
  });

  it('when disconnecting while Google revoke fails, then the user is disconnected at once and revocation retries', async () => {
    const userId = newUser();
    await connectUser(stack, { userId, email: 'frank@example.com' });
    stack.google.fail('revoke', { status: 503, times: 6 });
    const before = stack.slack.messages.length;
    await stack.slack.slashCommand({ command: '/ai-email-disconnect', userId, channelId: 'C0GENERAL' });
    const reply = await stack.slack.waitForMessage(
      (m) => stack.slack.messages.indexOf(m) >= before && /Disconnected/.test(m.text ?? ''),
    );
    expect(reply.text).toMatch(/retried in the background/);
    const row = await connectionOf(userId);
    expect(row).toMatchObject({ status: 'revoked', sealed_token: null });
    await eventually(
      async () =>
        (await db.query('SELECT done_at FROM pending_revocations WHERE user_id = $1', [userId])).rows[0]
          ?.done_at,
    );
    expect(stack.google.revocations.at(-1)?.status).toBe(200);
    expect(await statusText(userId)).toMatch(/not connected/);
    const audit = await db.query(
      "SELECT result, reason FROM audit_events WHERE user_id = $1 AND kind = 'disconnect'",
      [userId],
    );
    expect(audit.rows).toEqual([{ result: 'success', reason: 'pending' }]);
  });

  it('when the same account reconnects while a revocation is still pending, then that revocation is dropped', async () => {
    const userId = newUser();
    await connectUser(stack, { userId, email: 'grace@example.com' });
    stack.google.fail('revoke', { status: 503, times: 10_000 });
    try {
      expect(await slashReply(stack, userId, '/ai-email-disconnect')).toMatch(/retried in the background/);
      expect((await connectUser(stack, { userId, email: 'grace@example.com' })).status).toBe(200);
    } finally {
      stack.google.clearFaults();
    }
    const parked = await eventually(async () =>
      (
        await db.query('SELECT done_at, last_error FROM pending_revocations WHERE user_id = $1', [userId])
      ).rows.find((r) => r.done_at),
    );
    expect(parked.last_error).toMatch(/connected again/);
    expect(await statusText(userId)).toMatch(/Connected as \*grace@example.com\*/);
    expect((await connectionOf(userId)).status).toBe('active');
  });

  it('when the user asks for too many pairings, then the eleventh within an hour is refused', async () => {
    const userId = newUser();
    for (let i = 0; i < 10; i++) await requestPrompt(stack, userId);
    const before = stack.slack.messages.length;
    await stack.slack.slashCommand({ command: '/ai-email-connect', userId, channelId: 'C0GENERAL' });
    const reply = await stack.slack.waitForMessage(
      (m) => stack.slack.messages.indexOf(m) >= before && m.kind === 'response_url',
    );
    expect(reply.text).toMatch(/Too many connection attempts/);
  });
});
