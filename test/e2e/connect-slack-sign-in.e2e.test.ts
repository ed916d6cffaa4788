import { Client } from 'pg';
import type { IdTokenTamper } from '@mailbridge/slack-emulator';
import { startStack, type Stack } from '../helpers/stack';
import { requestPrompt, type Prompt } from '../helpers/connect-flow';
import { Browser, finishWithGoogle, signInThroughSlack } from '../helpers/slack-sign-in-flow';

const ROUNDS = 10;
const jitter = (maxMs: number) => new Promise((r) => setTimeout(r, Math.random() * maxMs));

describe('connect: Sign in with Slack before the Google step', () => {
  let stack: Stack;
  let db: Client;
  let seq = 0;
  const newUser = (realName = 'Alice Smith') => {
    const id = `U${String(++seq).padStart(4, '0')}SIWS`;
    stack.slack.addUser({ id, name: `alice${seq}`, realName });
    return id;
  };
  const pairingRow = async (id: string) =>
    (
      await db.query<{ used_at: Date | null; burnt_at: Date | null }>(
        'SELECT used_at, burnt_at FROM pairings WHERE id = $1',
        [id],
      )
    ).rows[0];
  const connectionOf = async (userId: string) =>
    (await db.query('SELECT email, status FROM gmail_connections WHERE user_id = $1', [userId])).rows;

  beforeAll(async () => {
    stack = await startStack({ slackSignIn: true, env: { FLY_APP_NAME: 'mailbridge-test' } });
    db = new Client({ connectionString: stack.db.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await stack?.close();
  });

  it('when the person who asked signs in with Slack, then they go on to Google and connect', async () => {
    const userId = newUser();
    stack.google.addAccount({ email: `${userId.toLowerCase()}@example.com` });
    const prompt = await requestPrompt(stack, userId);
    const browser = new Browser();

    const { toSlack, answer } = await signInThroughSlack(stack, browser, prompt, userId);
    const asked = new URL(toSlack.location!);
    expect(Object.fromEntries(asked.searchParams)).toMatchObject({
      response_type: 'code',
      scope: 'openid',
      client_id: stack.slack.oidc.clientId,
      redirect_uri: `${stack.baseUrl}/oauth/slack/callback`,
      team: stack.slack.teamId,
    });
    expect(asked.searchParams.get('state')).toBeTruthy();
    expect(asked.searchParams.get('nonce')).toBeTruthy();
    expect(answer.status).toBe(303);
    expect(answer.location).toBe(`/oauth/google/start?pairing=${prompt.pairingId}`);

    const page = (await browser.get(prompt.startUrl)).body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(page).toContain(`@alice${seq} (${userId})`);
    expect(page).toContain('You signed in with Slack as this person.');
    const done = await finishWithGoogle(stack, browser, prompt);
    expect(done.status).toBe(200);
    expect(done.body).toContain('Connected');
    expect(await connectionOf(userId)).toEqual([
      { email: `${userId.toLowerCase()}@example.com`, status: 'active' },
    ]);
  });

  it('when someone else signs in with the link, then they are told it belongs to someone else and the link is burnt for everyone', async () => {
    const owner = newUser();
    const mallory = newUser('Alice Smith');
    const prompt = await requestPrompt(stack, owner);
    // The owner signed in first in their own browser; the link is then opened by another person.
    const ownersBrowser = new Browser();
    expect((await signInThroughSlack(stack, ownersBrowser, prompt, owner)).answer.status).toBe(303);
    const ownersPage = await ownersBrowser.get(prompt.startUrl);
    expect(ownersPage.status).toBe(200);
    const formToken = /name="form_token" value="([^"]+)"/.exec(ownersPage.body)?.[1] ?? '';

    const stranger = new Browser();
    const { answer } = await signInThroughSlack(stack, stranger, prompt, mallory);
    expect(answer.status).toBe(403);
    expect(answer.body).toContain('This link belongs to someone else');
    expect(answer.body).not.toContain(prompt.code);
    expect((await pairingRow(prompt.pairingId))?.burnt_at).not.toBeNull();
    const audit = await db.query(
      "SELECT result, reason FROM audit_events WHERE user_id = $1 AND kind = 'connect'",
      [owner],
    );
    expect(audit.rows).toEqual([
      {
        result: 'refused',
        reason: `pairing_not_theirs: signed in to Slack as ${stack.slack.teamId}/${mallory}`,
      },
    ]);

    const told = await stack.slack.waitForMessage(
      (m) => m.kind === 'postMessage' && /opened the Gmail connect link made for you/.test(m.text ?? ''),
    );
    const opened = stack.slack.calls
      .filter((c) => c.method === 'conversations.open')
      .map((c) => c.args.users);
    expect(opened).toContain(owner);
    expect(opened).not.toContain(mallory);
    expect(told.text).toContain(`<@${mallory}>`);

    // Nobody gets on with it now: not the stranger again, not the owner's signed-in browser, not a fresh one.
    expect((await stranger.get(prompt.startUrl)).status).toBe(410);
    const begun = await ownersBrowser.post(
      `${stack.baseUrl}/oauth/google/begin`,
      { pairing: prompt.pairingId, code: prompt.code, form_token: formToken },
      stack.baseUrl,
    );
    expect(begun.status).toBe(410);
    expect((await ownersBrowser.get(prompt.startUrl)).status).toBe(410);
    const fresh = await new Browser().get(prompt.startUrl);
    expect(fresh.status).toBe(410);
    expect(fresh.body).toContain('someone signed in to Slack with another account');
    expect(await connectionOf(owner)).toEqual([]);
    expect(await connectionOf(mallory)).toEqual([]);
  });

  it('when the same user id signs in from another workspace, then it is someone else', async () => {
    const owner = newUser();
    const prompt = await requestPrompt(stack, owner);
    // Slack is asked for the pairing's workspace; a browser that drops `team` from the URL gets the
    // workspace it signed in to last, here another one.
    stack.slack.oidc.signInAs(owner, 'T0ELSEWHERE');
    const browser = new Browser();
    const toSlack = new URL((await browser.get(prompt.startUrl)).location!);
    toSlack.searchParams.delete('team');
    const answer = await browser.get((await browser.get(toSlack.toString())).location!);
    expect(answer.status).toBe(403);
    expect((await pairingRow(prompt.pairingId))?.burnt_at).not.toBeNull();
  });

  it('when the person is signed in to Slack in another workspace too, then Slack signs them in to the pairing’s and the link is not burnt', async () => {
    const owner = newUser();
    const prompt = await requestPrompt(stack, owner);
    stack.slack.oidc.signInAs(owner);
    // The workspace signed in to last is another one, where the same person has another account.
    stack.slack.oidc.signInAs('U0THEIROTHER', 'T0ELSEWHERE');
    const browser = new Browser();
    const toSlack = await browser.get(prompt.startUrl);
    const answer = await browser.get((await browser.get(toSlack.location!)).location!);
    expect(answer.status).toBe(303);
    expect(await pairingRow(prompt.pairingId)).toEqual({ used_at: null, burnt_at: null });
    expect((await browser.get(prompt.startUrl)).status).toBe(200);

    // Not signed in to the pairing's workspace at all: Slack asks to sign in there and sends nobody back.
    stack.slack.oidc.signOut();
    stack.slack.oidc.signInAs(owner, 'T0ELSEWHERE');
    const elsewhere = new Browser();
    const slackPage = await elsewhere.get((await elsewhere.get(prompt.startUrl)).location!);
    expect(slackPage.status).toBe(200);
    expect(slackPage.location).toBeNull();
    expect(await pairingRow(prompt.pairingId)).toEqual({ used_at: null, burnt_at: null });
  });

  it('when the person cancels on Slack’s page, then they are told sign-in was not completed and the link still works', async () => {
    const owner = newUser();
    const prompt = await requestPrompt(stack, owner);
    stack.slack.oidc.signInAs(owner);
    stack.slack.oidc.denyNextSignIn();
    const browser = new Browser();
    const back = await browser.get((await browser.get(prompt.startUrl)).location!);
    expect(new URL(back.location!).searchParams.get('error')).toBe('access_denied');
    const answer = await browser.get(back.location!);
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('Sign-in with Slack not completed');
    expect(await pairingRow(prompt.pairingId)).toEqual({ used_at: null, burnt_at: null });
    expect((await signInThroughSlack(stack, browser, prompt, owner)).answer.status).toBe(303);
  });

  it('when one stranger comes back with several sign-ins started before the link was burnt, then the owner gets one message and one audit row', async () => {
    const owner = newUser();
    const mallory = newUser();
    const prompt = await requestPrompt(stack, owner);
    stack.slack.oidc.signInAs(mallory);
    const stranger = new Browser();
    const backs: string[] = [];
    for (let i = 0; i < 5; i++) {
      const toSlack = await stranger.get(prompt.startUrl);
      backs.push((await stranger.get(toSlack.location!)).location!);
    }
    const statuses: number[] = [];
    for (const back of backs) statuses.push((await stranger.get(back)).status);
    expect(statuses).toEqual([403, 403, 403, 403, 403]);
    // Each callback answers only after its message was sent, so every message there will be is here.
    const dms = stack.slack.messages.filter(
      (m) => m.kind === 'postMessage' && (m.text ?? '').includes(`<@${mallory}>`),
    );
    expect(dms).toHaveLength(1);
    const audit = await db.query(
      "SELECT count(*)::int AS n FROM audit_events WHERE user_id = $1 AND kind = 'connect' AND result = 'refused'",
      [owner],
    );
    expect(audit.rows[0].n).toBe(1);
  });

  it('when a stranger is refused after the owner entered the code, then the owner still connects and is not told nothing was connected', async () => {
    const owner = newUser();
    const mallory = newUser();
    stack.google.addAccount({ email: `${owner.toLowerCase()}@example.com` });
    const prompt = await requestPrompt(stack, owner);
    const ownersBrowser = new Browser();
    expect((await signInThroughSlack(stack, ownersBrowser, prompt, owner)).answer.status).toBe(303);
    stack.slack.oidc.signInAs(mallory);
    const stranger = new Browser();
    const strangersBack = (await stranger.get((await stranger.get(prompt.startUrl)).location!)).location!;

    const start = await ownersBrowser.get(prompt.startUrl);
    const formToken = /name="form_token" value="([^"]+)"/.exec(start.body)?.[1] ?? '';
    const begun = await ownersBrowser.post(
      `${stack.baseUrl}/oauth/google/begin`,
      { pairing: prompt.pairingId, code: prompt.code, form_token: formToken },
      stack.baseUrl,
    );
    expect(begun.status).toBe(303);
    expect((await stranger.get(strangersBack)).status).toBe(403);
    const told = stack.slack.messages.find(
      (m) => m.kind === 'postMessage' && (m.text ?? '').includes(`<@${mallory}>`),
    );
    expect(told?.text).toContain('Your own connection is not affected');
    expect(told?.text).not.toContain('Nothing was connected');
    stack.google.setConsent({ email: `${owner.toLowerCase()}@example.com`, times: 1 });
    const done = await ownersBrowser.follow(begun.location!, (hop) =>
      hop.url.startsWith(`${stack.baseUrl}/oauth/google/callback`),
    );
    expect(done.status).toBe(200);
    expect(await connectionOf(owner)).toEqual([
      { email: `${owner.toLowerCase()}@example.com`, status: 'active' },
    ]);
  });

  const forged: Array<[string, () => IdTokenTamper]> = [
    ['a signature by a key Slack never published', () => ({ foreignKey: true })],
    ['another audience', () => ({ audience: 'another-app' })],
    ['another nonce', () => ({ nonce: 'not-this-sign-in' })],
    ['an expired token', () => ({ expiresIn: -600 })],
    ['another issuer', () => ({ issuer: 'https://evil.example' })],
    ['another algorithm', () => ({ alg: 'RS512' })],
    ['no user id claim', () => ({ claims: { 'https://slack.com/user_id': undefined } })],
  ];
  it.each(forged)(
    'when the id token has %s, then the sign-in is refused and the link still works',
    async (_, tamper) => {
      const owner = newUser();
      const prompt = await requestPrompt(stack, owner);
      stack.slack.oidc.tamperNextIdToken(tamper());
      const { answer } = await signInThroughSlack(stack, new Browser(), prompt, owner);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatch(/not accepted/);
      expect(await pairingRow(prompt.pairingId)).toEqual({ used_at: null, burnt_at: null });

      const again = new Browser();
      expect((await signInThroughSlack(stack, again, prompt, owner)).answer.status).toBe(303);
      expect((await again.get(prompt.startUrl)).status).toBe(200);
    },
  );

  it('when Slack rotates its signing key, then the new key is fetched once and the sign-in succeeds', async () => {
    const owner = newUser();
    const prompt = await requestPrompt(stack, owner);
    expect((await signInThroughSlack(stack, new Browser(), prompt, owner)).answer.status).toBe(303);
    const before = stack.slack.oidc.keysFetches();
    stack.slack.oidc.rotateKey();
    expect((await signInThroughSlack(stack, new Browser(), prompt, owner)).answer.status).toBe(303);
    expect(stack.slack.oidc.keysFetches()).toBe(before + 1);
    expect((await signInThroughSlack(stack, new Browser(), prompt, owner)).answer.status).toBe(303);
    expect(stack.slack.oidc.keysFetches()).toBe(before + 1);
  });

  it('when the state comes back twice, from another browser, or forged, then it is refused', async () => {
    const owner = newUser();
    const prompt = await requestPrompt(stack, owner);
    const browser = new Browser();
    stack.slack.oidc.signInAs(owner);
    const back = (await browser.get((await browser.get(prompt.startUrl)).location!)).location!;
    // A copy of the browser's cookies as they were when Slack sent it back (the callback clears its own).
    const copy = new Browser();
    browser.cookies.forEach((v, k) => copy.cookies.set(k, v));
    expect((await browser.get(back)).status).toBe(303);
    const replay = await copy.get(back);
    expect(replay.status).toBe(400);
    expect(replay.body).toMatch(/already used/);

    // The state and code of a sign-in started in one browser do not work in another one.
    const other = new Browser();
    const started = await other.get(prompt.startUrl);
    const slackSays = await other.get(started.location!);
    const elsewhere = await new Browser().get(slackSays.location!);
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body).toMatch(/different browser/);

    const forgedState = new URL(slackSays.location!);
    forgedState.searchParams.set('state', `${forgedState.searchParams.get('state')}x`);
    expect((await other.get(forgedState.toString())).status).toBe(400);
  });

  it('when the code form is posted without signing in with Slack, then it is refused', async () => {
    const owner = newUser();
    const prompt = await requestPrompt(stack, owner);
    const browser = new Browser();
    const res = await browser.post(
      `${stack.baseUrl}/oauth/google/begin`,
      { pairing: prompt.pairingId, code: prompt.code, form_token: 'x' },
      stack.baseUrl,
    );
    expect(res.status).toBe(403);
    expect(await pairingRow(prompt.pairingId)).toEqual({ used_at: null, burnt_at: null });
  });

  it('when one state is replayed in parallel, then exactly one callback signs in (10 rounds)', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const owner = newUser();
      const prompt: Prompt = await requestPrompt(stack, owner);
      const browser = new Browser();
      stack.slack.oidc.signInAs(owner);
      const started = await browser.get(prompt.startUrl);
      const slackSays = await browser.get(started.location!);
      const answers = await Promise.all(
        Array.from({ length: 6 }, async () => {
          await jitter(20);
          const hop = await browser.get(slackSays.location!);
          return hop.status;
        }),
      );
      // The code is single use at Slack too, so a second exchange could not succeed either way.
      expect(answers.filter((s) => s === 303)).toHaveLength(1);
      expect(answers.filter((s) => s !== 303).every((s) => s === 400)).toBe(true);
    }
  });

  it('when the owner submits the code while a stranger signs in, then the stranger never gets on and the link ends unusable (10 rounds)', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const owner = newUser();
      const mallory = newUser();
      const prompt = await requestPrompt(stack, owner);
      const ownersBrowser = new Browser();
      await signInThroughSlack(stack, ownersBrowser, prompt, owner);
      const start = await ownersBrowser.get(prompt.startUrl);
      const formToken = /name="form_token" value="([^"]+)"/.exec(start.body)?.[1] ?? '';
      const stranger = new Browser();
      stack.slack.oidc.signInAs(mallory);
      const toSlack = await stranger.get(prompt.startUrl);
      const slackSays = await stranger.get(toSlack.location!);
      const [strangers, owners] = await Promise.all([
        jitter(15).then(() => stranger.get(slackSays.location!)),
        jitter(15).then(() =>
          ownersBrowser.post(
            `${stack.baseUrl}/oauth/google/begin`,
            { pairing: prompt.pairingId, code: prompt.code, form_token: formToken },
            stack.baseUrl,
          ),
        ),
      ]);
      expect(strangers.status).toBe(403);
      expect([303, 410]).toContain(owners.status);
      expect((await new Browser().get(prompt.startUrl)).status).toBe(410);
      expect((await pairingRow(prompt.pairingId))?.burnt_at).not.toBeNull();
    }
  });

  describe('when the failure is on the operator’s side', () => {
    const text = (body: string) => body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    // The page and the log line reach the test on different pipes, so the page can come first: wait for
    // the line (on the server running now, which a restart replaces) rather than read what has arrived.
    const errorLogged = (err: string) =>
      stack.server.waitForLog(
        (l) => l.level === 50 && l.msg === 'slack sign-in failed' && JSON.stringify(l).includes(err),
      );
    const expectOurs = (answer: { status: number; body: string }) => {
      expect(answer.status).toBe(502);
      expect(text(answer.body)).toContain('Something went wrong on our side.');
      expect(answer.body).not.toMatch(/not accepted|not completed|allow the sign-in/);
    };

    it('when Slack’s keys or token endpoint fail, then the page does not blame the person, an error is logged and the link still works', async () => {
      const owner = newUser();
      const prompt = await requestPrompt(stack, owner);
      // A new key makes the server read the keys again, and that read fails.
      stack.slack.oidc.rotateKey();
      stack.slack.oidc.breakNext('keys', { status: 404, body: 'not found' });
      expectOurs((await signInThroughSlack(stack, new Browser(), prompt, owner)).answer);
      await expect(errorLogged('slack_misconfigured')).resolves.toMatchObject({ level: 50 });

      stack.slack.oidc.breakNext('token', { status: 503 });
      expectOurs((await signInThroughSlack(stack, new Browser(), prompt, owner)).answer);
      await expect(errorLogged('slack_unreachable')).resolves.toMatchObject({ level: 50 });
      expect(await pairingRow(prompt.pairingId)).toEqual({ used_at: null, burnt_at: null });
      expect((await signInThroughSlack(stack, new Browser(), prompt, owner)).answer.status).toBe(303);
    });

    it('when the client secret is wrong, then every sign-in gets our page and an error naming Slack’s refusal', async () => {
      await stack.server.stop('SIGTERM');
      await stack.restart({ SLACK_CLIENT_SECRET: 'not-the-secret' });
      const owner = newUser();
      const prompt = await requestPrompt(stack, owner);
      expectOurs((await signInThroughSlack(stack, new Browser(), prompt, owner)).answer);
      await expect(errorLogged('bad_client_secret')).resolves.toMatchObject({ level: 50 });
      expect(await pairingRow(prompt.pairingId)).toEqual({ used_at: null, burnt_at: null });
    });
  });
});
