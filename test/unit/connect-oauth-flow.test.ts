import { randomBytes } from 'node:crypto';
import { createAccessTokens } from '../../src/modules/connect/domain/access-tokens';
import { createOAuthFlow } from '../../src/modules/connect/domain/oauth-flow';
import { createPairingService, PAIRING_TTL_MS } from '../../src/modules/connect/domain/pairing';
import type { GoogleAuth } from '../../src/modules/connect/domain/ports';
import { createRevocations } from '../../src/modules/connect/domain/revocations';
import { tokenContext, type PairingPurpose } from '../../src/modules/connect/domain/types';
import { noticeText } from '../../src/modules/connect/replies';
import {
  fakeAudit,
  fakeClock,
  fakeConnections,
  fakeEvents,
  fakeGoogle,
  fakeNotices,
  fakePairings,
  fakeRevocationStore,
  grant,
  seedConnection,
  testSealer,
} from '../helpers/connect-fakes';

const SEND = 'https://www.googleapis.com/auth/gmail.send';
const METADATA = 'https://www.googleapis.com/auth/gmail.metadata';

const setup = (over: Partial<GoogleAuth> = {}) => {
  const signingKey = randomBytes(32).toString('hex');
  const connections = fakeConnections();
  const pairings = fakePairings();
  const revocationStore = fakeRevocationStore();
  const sealer = testSealer();
  const clock = fakeClock();
  const audit = fakeAudit();
  const notices = fakeNotices();
  const events = fakeEvents();
  const { google, calls } = fakeGoogle(over);
  const pairing = createPairingService({ pairings, clock, signingKey });
  const accessTokens = createAccessTokens({ connections, sealer, clock, google, onInvalid: async () => {} });
  const revocations = createRevocations({
    revocationStore,
    connections,
    sealer,
    clock,
    google,
    scheduleRetry: async () => {},
  });
  const flow = createOAuthFlow({
    pairing,
    pairings,
    connections,
    audit,
    sealer,
    clock,
    signingKey,
    notifyScope: METADATA,
    google,
    revocations,
    accessTokens,
    events,
    notices,
  });
  /** The start page's code entered, then Google's redirect back to the same browser. */
  const start = async (purpose: PairingPurpose = 'connect') => {
    const { id, code } = await pairing.create('T1', 'U1', purpose);
    const begun = await flow.begin(id, code);
    const url = new URL(begun.redirectUrl);
    const sameBrowser = (attemptId: string) =>
      attemptId === begun.attemptId ? begun.browserSecret : undefined;
    return { ...begun, url, state: url.searchParams.get('state')!, sameBrowser };
  };
  const finish = async (
    purpose: PairingPurpose = 'connect',
    q: { code?: string; error?: string } = { code: 'auth-code' },
  ) => {
    const s = await start(purpose);
    return flow.callback({ state: s.state, ...q }, s.sameBrowser);
  };
  return {
    connections,
    pairings,
    revocationStore,
    sealer,
    clock,
    audit,
    notices,
    events,
    calls,
    flow,
    pairing,
    accessTokens,
    start,
    finish,
  };
};

const identity =
  (p: Partial<{ sub: string; email: string; emailVerified: boolean }> = {}) =>
  async () => ({
    sub: 'sub-1',
    email: 'ada@example.com',
    emailVerified: true,
    ...p,
  });

describe('the OAuth callback', () => {
  it('when a person connects for the first time, then the grant is stored sealed, the other modules hear "connected", the decision is audited and the person told', async () => {
    const t = setup();
    const result = await t.finish();
    expect(result).toMatchObject({ purpose: 'connect', replacedAccount: undefined });
    const stored = t.connections.rows.get(result.connection.id)!;
    expect(stored).toMatchObject({ status: 'active', googleSub: 'sub-1', email: 'ada@example.com' });
    expect(t.sealer.openString(stored.sealedToken!, tokenContext('T1', 'U1'))).toBe('refresh-new');
    expect(t.calls.exchange).toEqual(['auth-code']);
    expect(t.events.emitted).toEqual([['connected', 'ada@example.com']]);
    expect(t.audit.entries).toEqual([
      { teamId: 'T1', userId: 'U1', kind: 'connect', result: 'success', reason: 'connect' },
    ]);
    expect(t.notices.told.map((n) => noticeText(n.notice))).toEqual([
      'Connected as ada@example.com. The assistant can now prepare emails for you; nothing is sent until you click Send.',
    ]);
  });

  it('when the begin step builds Google’s URL, then it asks for send and identity only, with PKCE', async () => {
    const t = setup();
    const { url } = await t.start();
    expect(url.searchParams.get('scope')).toBe(`${SEND} openid email`);
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('login_hint')).toBeNull();
  });

  it('when another Google account replaces the connected one, then the old one ends, its token is revoked and the result names it', async () => {
    const t = setup({ verifyIdToken: identity({ sub: 'sub-2', email: 'bea@example.com' }) });
    seedConnection(t.connections, t.sealer, {
      googleSub: 'sub-1',
      email: 'ada@example.com',
      refreshToken: 'refresh-ada',
    });
    const result = await t.finish();
    expect(result.replacedAccount).toBe('ada@example.com');
    expect(t.events.emitted).toEqual([
      ['ended', 'ada@example.com'],
      ['connected', 'bea@example.com'],
    ]);
    expect(t.calls.revoke).toEqual(['refresh-ada']);
    expect(t.audit.entries[0]!.reason).toBe('replaced_account');
  });

  it('when the same account connects again without a new refresh token, then its stored grant is kept and never revoked', async () => {
    const t = setup({ exchangeCode: async () => grant({ idToken: 'id-token' }) });
    seedConnection(t.connections, t.sealer, { refreshToken: 'refresh-kept' });
    const result = await t.finish();
    const stored = t.connections.rows.get(result.connection.id)!;
    expect(t.sealer.openString(stored.sealedToken!, tokenContext('T1', 'U1'))).toBe('refresh-kept');
    expect(t.calls.revoke).toEqual([]);
    expect(t.audit.entries[0]!.reason).toBe('reconnected_same_account');
  });

  it('when the account connects again, then revocations parked for it are superseded', async () => {
    const t = setup();
    const parked = {
      id: 'r1',
      teamId: 'T0',
      userId: 'U0',
      googleSub: 'sub-1',
      sealed: t.sealer.seal('old', 'x'),
    };
    await t.revocationStore.create(parked);
    await t.finish();
    expect(await t.revocationStore.listOpenIds()).toEqual([]);
  });

  it('when notifications are granted for the connected account, then the scope is asked with a login hint and the watch is started', async () => {
    const t = setup({
      exchangeCode: async () => grant({ idToken: 'id-token', refreshToken: 'r2', scopes: [SEND, METADATA] }),
    });
    seedConnection(t.connections, t.sealer);
    const { url } = await t.start('notifications');
    expect(url.searchParams.get('scope')).toBe(`${SEND} openid email ${METADATA}`);
    expect(url.searchParams.get('login_hint')).toBe('ada@example.com');
    const result = await t.finish('notifications');
    expect(result.purpose).toBe('notifications');
    expect(t.events.emitted).toEqual([['notificationsGranted', 'ada@example.com']]);
    expect(t.notices.told.map((n) => noticeText(n.notice))).toEqual([
      'Gmail access for notifications granted for ada@example.com.',
    ]);
  });

  it('when notifications are granted by another account or without the scope, then nothing is stored', async () => {
    const other = setup({ verifyIdToken: identity({ sub: 'sub-2' }) });
    seedConnection(other.connections, other.sealer, { email: 'ada@example.com' });
    await expect(other.finish('notifications')).rejects.toMatchObject({
      code: 'account_mismatch',
      details: { email: 'ada@example.com' },
    });
    const noScope = setup();
    seedConnection(noScope.connections, noScope.sealer);
    await expect(noScope.finish('notifications')).rejects.toMatchObject({ code: 'scope_missing_notify' });
    expect(other.events.emitted).toEqual([]);
    expect(noScope.events.emitted).toEqual([]);
  });

  it('when the state is forged, from another browser, used twice or too late, then the callback is refused', async () => {
    const t = setup();
    const s = await t.start();
    await expect(t.flow.callback({ state: `${s.state}x`, code: 'c' }, s.sameBrowser)).rejects.toMatchObject({
      code: 'state_invalid',
    });
    await expect(t.flow.callback({ state: s.state, code: 'c' }, () => 'other')).rejects.toMatchObject({
      code: 'browser_mismatch',
    });
    await t.flow.callback({ state: s.state, code: 'c' }, s.sameBrowser);
    await expect(t.flow.callback({ state: s.state, code: 'c' }, s.sameBrowser)).rejects.toMatchObject({
      code: 'state_used',
    });
    const late = await t.start();
    t.clock.advance(10 * 60_000);
    await expect(t.flow.callback({ state: late.state, code: 'c' }, late.sameBrowser)).rejects.toMatchObject({
      code: 'state_expired',
    });
  });

  it('when the pairing expired before the code was entered, then the begin step is refused', async () => {
    const t = setup();
    const { id, code } = await t.pairing.create('T1', 'U1', 'connect');
    t.clock.advance(PAIRING_TTL_MS);
    await expect(t.flow.begin(id, code)).rejects.toMatchObject({ code: 'pairing_expired' });
    expect(t.pairings.attempts.size).toBe(0);
  });

  it('when Google reports a denial or an error, or omits the code, then each is named and nothing is stored', async () => {
    const t = setup();
    await expect(t.finish('connect', { error: 'access_denied' })).rejects.toMatchObject({
      code: 'consent_denied',
    });
    await expect(t.finish('connect', { error: 'server_error' })).rejects.toMatchObject({
      code: 'google_error',
    });
    await expect(t.finish('connect', {})).rejects.toMatchObject({ code: 'code_missing' });
    expect(t.connections.rows.size).toBe(0);
    expect(t.calls.exchange).toEqual([]);
  });

  it('when Google refuses the code exchange, then the sign-in is refused as exchange_failed', async () => {
    const t = setup({ exchangeCode: () => Promise.reject(new Error('invalid_grant')) });
    await expect(t.finish()).rejects.toMatchObject({
      code: 'exchange_failed',
      cause: new Error('invalid_grant'),
    });
    expect(t.connections.rows.size).toBe(0);
  });

  it('when Google has not verified the address, then the grant it issued is revoked and nothing is stored', async () => {
    const t = setup({ verifyIdToken: identity({ emailVerified: false }) });
    await expect(t.finish()).rejects.toMatchObject({ code: 'email_unverified' });
    expect(t.calls.revoke).toEqual(['refresh-new']);
    expect(t.connections.rows.size).toBe(0);
  });

  it('when the grant lacks the send scope, an ID token or offline access, then each is named and nothing is stored', async () => {
    const noSend = setup({
      exchangeCode: async () => grant({ idToken: 'i', refreshToken: 'r', scopes: ['openid'] }),
    });
    await expect(noSend.finish()).rejects.toMatchObject({ code: 'scope_missing_send' });
    const noId = setup({ exchangeCode: async () => grant({ refreshToken: 'r' }) });
    await expect(noId.finish()).rejects.toMatchObject({ code: 'id_token_missing' });
    const noOffline = setup({ exchangeCode: async () => grant({ idToken: 'i' }) });
    await expect(noOffline.finish()).rejects.toMatchObject({ code: 'refresh_token_missing' });
    for (const t of [noSend, noId, noOffline]) expect(t.connections.rows.size).toBe(0);
  });

  it('when the same account connects again within the same instant, then the access token cached for it is not served again', async () => {
    // The cache is keyed by the grant (account and connection time); a reconnect at the same instant keeps
    // both, so only the flow's own forget keeps the old grant's token from being reused.
    const t = setup();
    const { connection } = await t.finish();
    expect((await t.accessTokens.forConnection(connection.id)).accessToken).toBe('access-1');
    await t.finish();
    expect((await t.accessTokens.forConnection(connection.id)).accessToken).toBe('access-2');
    expect(t.calls.refresh).toHaveLength(2);
  });
});
