import { startSlackEmulator, type SlackEmulator } from '@mailbridge/slack-emulator';
import { createSlackOidc } from '../../src/modules/connect/slack-oidc';
import type { SlackIdentity } from '../../src/modules/connect/domain/ports';

const REDIRECT = 'http://127.0.0.1:1/oauth/slack/callback';

describe('Sign in with Slack adapter against the Slack emulator', () => {
  let emu: SlackEmulator;
  let slack: SlackIdentity;

  beforeEach(async () => {
    emu = await startSlackEmulator();
    emu.addUser({ id: 'U0ADA', name: 'ada', realName: 'Ada Lovelace' });
    emu.oidc.addRedirectUri(REDIRECT);
    emu.oidc.signInAs('U0ADA');
    slack = createSlackOidc({
      clientId: emu.oidc.clientId,
      clientSecret: emu.oidc.clientSecret,
      authorizeUrl: emu.oidc.authorizeUrl,
      keysUrl: emu.oidc.keysUrl,
      apiUrl: emu.apiUrl,
      redirectUri: REDIRECT,
      timeoutMs: 3000,
    });
  });
  afterEach(async () => {
    await emu.close();
  });

  /** What the browser brings back from Slack's authorize page: the code. */
  const codeFromSlack = async () => {
    const res = await fetch(slack.authorizationUrl({ state: 's', nonce: 'n-1' }), { redirect: 'manual' });
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
    expect(await failure(slack.exchangeCode('used-or-unknown'))).toBe('slack_sign_in_failed');
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
