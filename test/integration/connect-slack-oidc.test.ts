import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSlackEmulator, type SlackEmulator } from '@mailbridge/slack-emulator';
import { connectErrors } from '../../src/modules/connect/domain/errors';
import { createSlackOidc, type SlackOidcSettings } from '../../src/modules/connect/slack-oidc';
import type { SlackIdentity } from '../../src/modules/connect/domain/ports';

const REDIRECT = 'http://127.0.0.1:1/oauth/slack/callback';

describe('Sign in with Slack adapter against the Slack emulator', () => {
  let emu: SlackEmulator;
  let slack: SlackIdentity;

  const settings = (over: Partial<SlackOidcSettings> = {}): SlackOidcSettings => ({
    clientId: emu.oidc.clientId,
    clientSecret: emu.oidc.clientSecret,
    authorizeUrl: emu.oidc.authorizeUrl,
    keysUrl: emu.oidc.keysUrl,
    apiUrl: emu.apiUrl,
    redirectUri: REDIRECT,
    timeoutMs: 3000,
    ...over,
  });

  beforeEach(async () => {
    emu = await startSlackEmulator();
    emu.addUser({ id: 'U0ADA', name: 'ada', realName: 'Ada Lovelace' });
    emu.oidc.addRedirectUri(REDIRECT);
    emu.oidc.signInAs('U0ADA');
    slack = createSlackOidc(settings());
  });
  afterEach(async () => {
    await emu.close();
  });

  /** What the browser brings back from Slack's authorize page: the code. */
  const codeFromSlack = async (via: SlackIdentity = slack) => {
    const url = via.authorizationUrl({ state: 's', nonce: 'n-1', team: emu.teamId });
    const res = await fetch(url, { redirect: 'manual' });
    return new URL(res.headers.get('location')!).searchParams.get('code')!;
  };
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => 'no failure',
      (e: { code?: string }) => e.code,
    );

  it('when Slack signs the person in, then the id token names its team and user and carries the nonce', async () => {
    const idToken = await slack.exchangeCode(await codeFromSlack());
    expect(await slack.verifyIdToken(idToken)).toEqual({ teamId: emu.teamId, userId: 'U0ADA', nonce: 'n-1' });
    expect(await failure(slack.exchangeCode('used-or-unknown'))).toBe('slack_code_invalid');
  });

  it('when the person is signed in to another workspace too, then Slack is asked for the pairing’s one', async () => {
    emu.oidc.signInAs('U0ADA', 'T0ELSEWHERE');
    const url = new URL(slack.authorizationUrl({ state: 's', nonce: 'n-1', team: emu.teamId }));
    expect(url.searchParams.get('team')).toBe(emu.teamId);
    const idToken = await slack.exchangeCode(await codeFromSlack());
    expect((await slack.verifyIdToken(idToken)).teamId).toBe(emu.teamId);
  });

  /** A local server answering every request with a 200 HTML page: a URL set to the wrong place. */
  let html: Server | undefined;
  afterEach(async () => {
    await new Promise((r) => (html ? html.close(r) : r(undefined)));
    html = undefined;
  });
  const htmlOrigin = async () => {
    html = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>'));
    await new Promise<void>((r) => html!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(html.address() as AddressInfo).port}`;
  };
  const kindOf = (p: Promise<unknown>) =>
    p.then(
      () => 'no failure',
      (e: unknown) => (connectErrors.is(e) ? `${e.code}/${e.kind}` : String(e)),
    );

  it('when Slack refuses our client id, secret or redirect URI, then it is the operator’s failure, not the person’s', async () => {
    const code = async () => codeFromSlack();
    const wrong = (over: Partial<SlackOidcSettings>) => createSlackOidc(settings(over));
    expect(await kindOf(wrong({ clientSecret: 'wrong' }).exchangeCode(await code()))).toBe(
      'slack_misconfigured/internal',
    );
    expect(await kindOf(wrong({ clientId: 'wrong' }).exchangeCode(await code()))).toBe(
      'slack_misconfigured/internal',
    );
    expect(await kindOf(wrong({ redirectUri: `${REDIRECT}x` }).exchangeCode(await code()))).toBe(
      'slack_misconfigured/internal',
    );
    expect(await kindOf(slack.exchangeCode('forged'))).toBe('slack_code_invalid/user');
  });

  it('when the token endpoint is down or answers no JSON, then it is ours (transient or misconfigured)', async () => {
    emu.oidc.breakNext('token', { status: 503 });
    expect(await kindOf(slack.exchangeCode(await codeFromSlack()))).toBe('slack_unreachable/transient');
    emu.oidc.breakNext('token', { drop: true });
    expect(await kindOf(slack.exchangeCode(await codeFromSlack()))).toBe('slack_unreachable/transient');
    const closed = createSlackOidc(settings({ apiUrl: 'http://127.0.0.1:1/api/' }));
    expect(await kindOf(closed.exchangeCode('c'))).toBe('slack_unreachable/transient');
    const elsewhere = createSlackOidc(settings({ apiUrl: `${await htmlOrigin()}/api/` }));
    expect(await kindOf(elsewhere.exchangeCode('c'))).toBe('slack_misconfigured/internal');
    emu.oidc.breakNext('token', { status: 404, body: 'not found' });
    expect(await kindOf(slack.exchangeCode(await codeFromSlack()))).toBe('slack_misconfigured/internal');
  });

  it('when Slack’s keys cannot be had, then the token is not blamed', async () => {
    const idToken = async () => slack.exchangeCode(await codeFromSlack());
    for (const outage of [{ status: 404 }, { status: 503 }, { status: 200, body: '<html>' }]) {
      const fresh = createSlackOidc(settings());
      emu.oidc.breakNext('keys', outage);
      expect(await kindOf(fresh.verifyIdToken(await idToken()))).toBe('slack_misconfigured/internal');
    }
    emu.oidc.breakNext('keys', { drop: true });
    expect(await kindOf(createSlackOidc(settings()).verifyIdToken(await idToken()))).toBe(
      'slack_unreachable/transient',
    );
    const closed = createSlackOidc(settings({ keysUrl: 'http://127.0.0.1:1/keys' }));
    expect(await kindOf(closed.verifyIdToken(await idToken()))).toBe('slack_unreachable/transient');
    const html = createSlackOidc(settings({ keysUrl: `${await htmlOrigin()}/keys` }));
    expect(await kindOf(html.verifyIdToken(await idToken()))).toBe('slack_misconfigured/internal');
    // And a token that is itself wrong still is: a key Slack never published.
    emu.oidc.tamperNextIdToken({ foreignKey: true });
    expect(await kindOf(slack.verifyIdToken(await idToken()))).toBe('slack_id_token_invalid/user');
  });

  it.each([
    ['signature (a key Slack never published)', { foreignKey: true }],
    ['audience', { audience: 'another-app' }],
    ['issuer', { issuer: 'https://slack.example' }],
    ['expiry beyond the skew', { expiresIn: -120 }],
    ['algorithm', { alg: 'HS256' }],
    ['team claim', { claims: { 'https://slack.com/team_id': undefined } }],
  ])('when the id token is wrong in its %s, then it is not accepted', async (_, tamper) => {
    emu.oidc.tamperNextIdToken(tamper);
    const idToken = await slack.exchangeCode(await codeFromSlack());
    expect(await failure(slack.verifyIdToken(idToken))).toBe('slack_id_token_invalid');
  });

  it('when a token expired within the allowed clock skew, then it is still accepted', async () => {
    emu.oidc.tamperNextIdToken({ expiresIn: -30 });
    const idToken = await slack.exchangeCode(await codeFromSlack());
    expect((await slack.verifyIdToken(idToken)).userId).toBe('U0ADA');
  });

  it('when Slack’s keys are cached, then they are fetched once until a token names an unknown key id', async () => {
    for (let i = 0; i < 3; i++) await slack.verifyIdToken(await slack.exchangeCode(await codeFromSlack()));
    expect(emu.oidc.keysFetches()).toBe(1);
    emu.oidc.rotateKey();
    for (let i = 0; i < 3; i++) await slack.verifyIdToken(await slack.exchangeCode(await codeFromSlack()));
    expect(emu.oidc.keysFetches()).toBe(2);
  });
});
