import { randomBytes } from 'node:crypto';
import { createPairingService } from '../../src/modules/connect/domain/pairing';
import type { SlackIdentity } from '../../src/modules/connect/domain/ports';
import { createSlackSignIn, SIGN_IN_TTL_MS } from '../../src/modules/connect/domain/slack-sign-in';
import { noticeText } from '../../src/modules/connect/replies';
import { fakeAudit, fakeClock, fakeNotices, fakePairings } from '../helpers/connect-fakes';

/** Slack as the use case sees it: the id token is the identity itself, the nonce read back from the URL. */
function fakeSlack() {
  const slack = {
    signedIn: { teamId: 'T1', userId: 'U1' },
    nonceOverride: undefined as string | undefined,
    lastNonce: '',
    lastTeam: '',
    exchanges: 0,
    authorizationUrl({ state, nonce, team }: { state: string; nonce: string; team: string }) {
      slack.lastNonce = nonce;
      slack.lastTeam = team;
      return `https://slack.test/authorize?state=${encodeURIComponent(state)}`;
    },
    async exchangeCode(code: string) {
      slack.exchanges += 1;
      return code;
    },
    async verifyIdToken() {
      return { ...slack.signedIn, nonce: slack.nonceOverride ?? slack.lastNonce };
    },
  };
  return slack satisfies SlackIdentity;
}

function setup() {
  const pairings = fakePairings();
  const clock = fakeClock();
  const key = randomBytes(32).toString('hex');
  const pairing = createPairingService({ pairings, clock, signingKey: key });
  const slack = fakeSlack();
  const claimed = new Set<string>();
  const audit = fakeAudit();
  const notices = fakeNotices();
  const signIn = createSlackSignIn({
    pairing,
    pairings,
    slack,
    states: { claim: async (id) => !claimed.has(id) && !!claimed.add(id) },
    audit,
    notices,
    clock,
    signingKey: key,
  });
  /** Starts a sign-in for the pairing and returns what Slack's redirect back carries. */
  const startFor = async (pairingId: string) => {
    const started = await signIn.start(pairingId);
    const state = new URL(started.redirectUrl).searchParams.get('state')!;
    return {
      ...started,
      state,
      cookies: (id: string) => (id === started.signInId ? started.browserSecret : undefined),
    };
  };
  return { pairings, pairing, clock, slack, audit, notices, signIn, startFor };
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => 'no failure',
    (e: { code?: string }) => e.code,
  );

describe('Sign in with Slack before the code', () => {
  it('when the pairing’s own person signs in, then a proof for that pairing only is returned', async () => {
    const t = setup();
    const { id } = await t.pairing.create('T1', 'U1', 'connect');
    const other = await t.pairing.create('T1', 'U1', 'connect');
    const s = await t.startFor(id);
    expect(t.slack.lastTeam).toBe('T1');
    const result = await t.signIn.callback({ state: s.state, code: 'c' }, s.cookies);
    expect(result.pairingId).toBe(id);
    const stored = await t.pairing.usable(id);
    expect(t.signIn.proves(result.proof, stored)).toBe(true);
    expect(t.signIn.proves(result.proof, await t.pairing.usable(other.id))).toBe(false);
    expect(t.signIn.proves(`${result.proof}x`, stored)).toBe(false);
    expect(t.signIn.proves(undefined, stored)).toBe(false);
    t.clock.advance(11 * 60_000);
    expect(t.signIn.proves(result.proof, stored)).toBe(false);
  });

  it('when someone else signs in, then the pairing is burnt for good, audited and its person told', async () => {
    const t = setup();
    const { id, code } = await t.pairing.create('T1', 'U1', 'connect');
    t.slack.signedIn = { teamId: 'T1', userId: 'U22' };
    const s = await t.startFor(id);
    expect(await failure(t.signIn.callback({ state: s.state, code: 'c' }, s.cookies))).toBe(
      'pairing_not_theirs',
    );
    expect(await failure(t.pairing.usable(id))).toBe('pairing_refused');
    expect(await failure(t.pairing.redeem(id, code))).toBe('pairing_refused');
    expect(t.audit.entries).toEqual([
      {
        teamId: 'T1',
        userId: 'U1',
        kind: 'connect',
        result: 'refused',
        reason: expect.stringContaining('T1/U22'),
      },
    ]);
    expect(t.notices.told).toEqual([
      {
        userId: 'U1',
        notice: { kind: 'link_refused', signedInAs: { teamId: 'T1', userId: 'U22' }, afterUse: false },
      },
    ]);
    expect(noticeText(t.notices.told[0]!.notice, 'T1')).toContain('<@U22>');
    expect(noticeText(t.notices.told[0]!.notice, 'T1')).toContain('Nothing was connected.');
    expect(
      noticeText(
        { kind: 'link_refused', signedInAs: { teamId: 'T9', userId: '<!here>' }, afterUse: false },
        'T1',
      ),
    ).not.toMatch(/<!here>|<@/);
  });

  it('when one stranger comes back with several states, then the person is told and audited once', async () => {
    const t = setup();
    const { id } = await t.pairing.create('T1', 'U1', 'connect');
    t.slack.signedIn = { teamId: 'T1', userId: 'U22' };
    // States are minted while the link still works (one per start page); each carries its own nonce.
    const states = [];
    for (let i = 0; i < 5; i++) states.push({ ...(await t.startFor(id)), nonce: t.slack.lastNonce });
    const codes = [];
    for (const s of states) {
      t.slack.nonceOverride = s.nonce;
      codes.push(await failure(t.signIn.callback({ state: s.state, code: 'c' }, s.cookies)));
    }
    expect(codes).toEqual(Array(5).fill('pairing_not_theirs'));
    expect(t.notices.told).toHaveLength(1);
    expect(t.audit.entries).toHaveLength(1);
  });

  it('when the person had already entered the right code, then the message does not say nothing was connected', async () => {
    const t = setup();
    const { id, code } = await t.pairing.create('T1', 'U1', 'connect');
    t.slack.signedIn = { teamId: 'T1', userId: 'U22' };
    const s = await t.startFor(id);
    await t.pairing.redeem(id, code);
    await failure(t.signIn.callback({ state: s.state, code: 'c' }, s.cookies));
    const told = t.notices.told[0]!.notice;
    expect(told).toMatchObject({ kind: 'link_refused', afterUse: true });
    expect(noticeText(told, 'T1')).not.toContain('Nothing was connected');
    expect(noticeText(told, 'T1')).toContain('Your own connection is not affected');
  });

  it('when the refusal lands between the code check and its use, then the code does not undo it', async () => {
    const t = setup();
    const { id, code } = await t.pairing.create('T1', 'U1', 'connect');
    // A refusal stamped by a machine whose clock runs behind: the pairing's expiry is not what stops the code.
    const original = t.pairings.refuse;
    t.pairings.refuse = async (pid, now) => original(pid, new Date(now.getTime() + 60_000));
    const reserve = t.pairings.reserveCheck;
    t.pairings.reserveCheck = async (pid, limit, now) => {
      const checks = await reserve(pid, limit, now);
      await t.pairings.refuse(pid, t.clock.now());
      return checks;
    };
    expect(await failure(t.pairing.redeem(id, code))).toBe('pairing_refused');
    expect(t.pairings.pairings.get(id)).toMatchObject({ usedAt: null, refusedAt: expect.any(Date) });
  });

  it('when the pairing was already used, then a stranger still burns it and the owner’s right code cannot revive it', async () => {
    const t = setup();
    const { id, code } = await t.pairing.create('T1', 'U1', 'connect');
    const s = await t.startFor(id);
    await t.pairing.redeem(id, code);
    t.slack.signedIn = { teamId: 'T2', userId: 'U1' };
    expect(await failure(t.signIn.callback({ state: s.state, code: 'c' }, s.cookies))).toBe(
      'pairing_not_theirs',
    );
    expect(t.pairings.pairings.get(id)!.burntAt).not.toBeNull();
    expect(await t.pairings.consume(id, t.clock.now())).toBe(false);
  });

  it('when the state is replayed, forged, late or from another browser, then nothing is exchanged', async () => {
    const t = setup();
    const { id } = await t.pairing.create('T1', 'U1', 'connect');
    const s = await t.startFor(id);
    expect(await failure(t.signIn.callback({ state: `${s.state}x`, code: 'c' }, s.cookies))).toBe(
      'state_invalid',
    );
    expect(await failure(t.signIn.callback({ state: s.state, code: 'c' }, () => 'other'))).toBe(
      'browser_mismatch',
    );
    expect(await failure(t.signIn.callback({ code: 'c' }, s.cookies))).toBe('state_invalid');
    expect(t.slack.exchanges).toBe(0);
    await t.signIn.callback({ state: s.state, code: 'c' }, s.cookies);
    expect(await failure(t.signIn.callback({ state: s.state, code: 'c' }, s.cookies))).toBe('state_used');
    const late = await t.startFor(id);
    t.clock.advance(SIGN_IN_TTL_MS);
    expect(await failure(t.signIn.callback({ state: late.state, code: 'c' }, late.cookies))).toBe(
      'state_expired',
    );
    expect(t.slack.exchanges).toBe(1);
  });

  it('when Slack reports an error or the nonce is not this sign-in’s, then it is refused and the pairing kept', async () => {
    const t = setup();
    const { id } = await t.pairing.create('T1', 'U1', 'connect');
    const denied = await t.startFor(id);
    expect(
      await failure(t.signIn.callback({ state: denied.state, error: 'access_denied' }, denied.cookies)),
    ).toBe('slack_sign_in_failed');
    const s = await t.startFor(id);
    t.slack.nonceOverride = 'replayed-from-elsewhere';
    expect(await failure(t.signIn.callback({ state: s.state, code: 'c' }, s.cookies))).toBe(
      'slack_id_token_invalid',
    );
    expect(await t.pairing.usable(id)).toMatchObject({ burntAt: null, usedAt: null });
  });
});
