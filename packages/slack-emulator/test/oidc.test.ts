import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { startSlackEmulator, type SlackEmulator } from '../src';

let emu: SlackEmulator;
const REDIRECT = 'http://127.0.0.1:1/oauth/slack/callback';

beforeEach(async () => {
  emu = await startSlackEmulator();
  emu.addUser({ id: 'U0ALICE', name: 'alice', realName: 'Alice Smith' });
  emu.oidc.addRedirectUri(REDIRECT);
});
afterEach(async () => {
  await emu?.close();
});

function authorizeUrl(over: Record<string, string> = {}): string {
  const url = new URL(emu.oidc.authorizeUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    scope: 'openid',
    client_id: emu.oidc.clientId,
    redirect_uri: REDIRECT,
    state: 'st',
    nonce: 'n-1',
    ...over,
  }).toString();
  return url.toString();
}

async function authorize(over: Record<string, string> = {}) {
  const res = await fetch(authorizeUrl(over), { redirect: 'manual' });
  const location = res.headers.get('location');
  return { status: res.status, location: location ? new URL(location) : undefined, body: await res.text() };
}

async function exchange(args: Record<string, string>): Promise<Record<string, unknown>> {
  const res = await fetch(`${emu.apiUrl}openid.connect.token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(args).toString(),
  });
  return (await res.json()) as Record<string, unknown>;
}

const credentials = () => ({ client_id: emu.oidc.clientId, client_secret: emu.oidc.clientSecret });

async function signedIn(nonce = 'n-1') {
  const { location } = await authorize({ nonce });
  return location!.searchParams.get('code')!;
}

function decode(jwt: string) {
  const [h, c] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(h!, 'base64url').toString()) as Record<string, unknown>,
    claims: JSON.parse(Buffer.from(c!, 'base64url').toString()) as Record<string, unknown>,
  };
}

async function verifiesAgainstKeys(jwt: string): Promise<boolean> {
  const { keys } = (await (await fetch(emu.oidc.keysUrl)).json()) as {
    keys: Array<JsonWebKey & { kid: string }>;
  };
  const [h, c, s] = jwt.split('.');
  const key = keys.find((k) => k.kid === decode(jwt).header.kid);
  if (!key) return false;
  return verify(
    'RSA-SHA256',
    Buffer.from(`${h}.${c}`),
    createPublicKey({ key, format: 'jwk' }),
    Buffer.from(s!, 'base64url'),
  );
}

describe('Slack emulator: Sign in with Slack (OpenID Connect)', () => {
  it('when the signed-in user authorizes, then the code is exchanged once for an id token signed by a published key', async () => {
    emu.oidc.signInAs('U0ALICE');
    const { status, location } = await authorize();
    expect(status).toBe(302);
    expect(location!.origin + location!.pathname).toBe(REDIRECT);
    expect(location!.searchParams.get('state')).toBe('st');
    const code = location!.searchParams.get('code')!;

    const answer = await exchange({ ...credentials(), code, redirect_uri: REDIRECT });
    expect(answer).toMatchObject({
      ok: true,
      token_type: 'Bearer',
      access_token: expect.stringMatching(/^xoxp-/),
    });
    const idToken = answer.id_token as string;
    const { header, claims } = decode(idToken);
    expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(claims).toMatchObject({
      iss: 'https://slack.com',
      sub: 'U0ALICE',
      aud: emu.oidc.clientId,
      nonce: 'n-1',
      'https://slack.com/team_id': emu.teamId,
      'https://slack.com/user_id': 'U0ALICE',
      name: 'Alice Smith',
    });
    expect(claims.exp as number).toBeGreaterThan(Date.now() / 1000);
    expect(await verifiesAgainstKeys(idToken)).toBe(true);

    expect(await exchange({ ...credentials(), code, redirect_uri: REDIRECT })).toEqual({
      ok: false,
      error: 'invalid_code',
    });

    const info = await fetch(`${emu.apiUrl}openid.connect.userInfo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${answer.access_token as string}` },
    });
    expect(await info.json()).toMatchObject({
      ok: true,
      sub: 'U0ALICE',
      'https://slack.com/team_id': emu.teamId,
      'https://slack.com/user_id': 'U0ALICE',
    });
  });

  it('when the exchange names a wrong client, secret, code or redirect_uri, then Slack’s error is answered', async () => {
    emu.oidc.signInAs('U0ALICE');
    expect(
      await exchange({ ...credentials(), client_id: 'x', code: await signedIn(), redirect_uri: REDIRECT }),
    ).toEqual({
      ok: false,
      error: 'invalid_client_id',
    });
    expect(
      await exchange({
        ...credentials(),
        client_secret: 'x',
        code: await signedIn(),
        redirect_uri: REDIRECT,
      }),
    ).toEqual({ ok: false, error: 'bad_client_secret' });
    expect(await exchange({ ...credentials(), code: 'nope', redirect_uri: REDIRECT })).toEqual({
      ok: false,
      error: 'invalid_code',
    });
    expect(
      await exchange({ ...credentials(), code: await signedIn(), redirect_uri: `${REDIRECT}x` }),
    ).toEqual({
      ok: false,
      error: 'bad_redirect_uri',
    });
  });

  it('when the request is not a valid OpenID one, then authorize refuses or redirects with an error', async () => {
    emu.oidc.signInAs('U0ALICE');
    expect((await authorize({ client_id: 'other' })).status).toBe(400);
    expect((await authorize({ redirect_uri: 'http://127.0.0.1:1/elsewhere' })).status).toBe(400);
    expect((await authorize({ scope: 'profile' })).location!.searchParams.get('error')).toBe('invalid_scope');
    emu.oidc.signOut();
    const none = await authorize();
    expect(none.status).toBe(200);
    expect(none.body).toMatch(/no one is signed in/);
  });

  it('when a test tampers with the next id token or rotates the key, then only that token differs', async () => {
    emu.oidc.signInAs('U0ALICE', 'T0OTHER');
    emu.oidc.tamperNextIdToken({ audience: 'someone-else', foreignKey: true, expiresIn: -60 });
    const bad = (await exchange({ ...credentials(), code: await signedIn(), redirect_uri: REDIRECT }))
      .id_token as string;
    expect(decode(bad).claims).toMatchObject({ aud: 'someone-else', 'https://slack.com/team_id': 'T0OTHER' });
    expect(decode(bad).claims.exp as number).toBeLessThan(Date.now() / 1000);
    expect(await verifiesAgainstKeys(bad)).toBe(false);

    const before = decode(bad).header.kid;
    const kid = emu.oidc.rotateKey();
    expect(kid).not.toBe(before);
    const good = (await exchange({ ...credentials(), code: await signedIn(), redirect_uri: REDIRECT }))
      .id_token as string;
    expect(decode(good).header.kid).toBe(kid);
    expect(decode(good).claims.aud).toBe(emu.oidc.clientId);
    expect(await verifiesAgainstKeys(good)).toBe(true);
    expect(emu.oidc.keysFetches()).toBe(2);
  });

  it('when the browser is signed in to several workspaces, then team picks the workspace and an unknown one asks to sign in there', async () => {
    emu.oidc.signInAs('U0ALICE');
    emu.oidc.signInAs('U0ALICE', 'T0OTHER');
    const teamOf = async (over: Record<string, string>) => {
      const code = (await authorize(over)).location!.searchParams.get('code')!;
      const answer = await exchange({ ...credentials(), code, redirect_uri: REDIRECT });
      return decode(answer.id_token as string).claims['https://slack.com/team_id'];
    };
    expect(await teamOf({ team: emu.teamId })).toBe(emu.teamId);
    expect(await teamOf({})).toBe('T0OTHER');
    const elsewhere = await authorize({ team: 'T0NOWHERE' });
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.location).toBeUndefined();
    expect(elsewhere.body).toMatch(/Sign in to the workspace T0NOWHERE/);
  });

  it('when the person cancels on Slack’s page, then Slack redirects back with access_denied and the state, once', async () => {
    emu.oidc.signInAs('U0ALICE');
    emu.oidc.denyNextSignIn();
    const denied = await authorize();
    expect(denied.status).toBe(302);
    expect(Object.fromEntries(denied.location!.searchParams)).toEqual({
      state: 'st',
      error: 'access_denied',
    });
    expect((await authorize()).location!.searchParams.get('code')).toBeTruthy();
  });

  it('when no redirect URL is declared, then every redirect_uri is refused', async () => {
    const bare = await startSlackEmulator();
    try {
      bare.oidc.signInAs('U0ALICE');
      const url = new URL(authorizeUrl());
      url.searchParams.set('client_id', bare.oidc.clientId);
      const res = await fetch(url.toString().replace(emu.oidc.authorizeUrl, bare.oidc.authorizeUrl), {
        redirect: 'manual',
      });
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/redirect_uri did not match/);
    } finally {
      await bare.close();
    }
  });

  it('when the token endpoint or the keys are broken, then they answer as armed and then recover', async () => {
    emu.oidc.signInAs('U0ALICE');
    emu.oidc.breakNext('token', { status: 503 });
    emu.oidc.breakNext('token', { status: 200, body: '<html>maintenance</html>' });
    const args = async () => ({ ...credentials(), code: await signedIn(), redirect_uri: REDIRECT });
    expect(await exchange(await args())).toEqual({ ok: false, error: 'internal_error' });
    const html = await fetch(`${emu.apiUrl}openid.connect.token`, {
      method: 'POST',
      body: new URLSearchParams(await args()),
    });
    expect(await html.text()).toBe('<html>maintenance</html>');
    expect((await exchange(await args())).ok).toBe(true);

    emu.oidc.breakNext('keys', { status: 404, times: 2 });
    emu.oidc.breakNext('keys', { drop: true });
    expect((await fetch(emu.oidc.keysUrl)).status).toBe(404);
    expect((await fetch(emu.oidc.keysUrl)).status).toBe(404);
    await expect(fetch(emu.oidc.keysUrl)).rejects.toThrow();
    expect((await fetch(emu.oidc.keysUrl)).status).toBe(200);
  });
});
