import { Client } from 'pg';
import { deleteRedisPrefix, startStack, type Stack } from '../helpers/stack';
import { begin, connectUser, requestPrompt, type Prompt } from '../helpers/connect-flow';

const ROUNDS = 10;
const PARALLEL = 25;
const FLOOD = 150;
/** The limits the server promises (src/modules/connect/page-limits.ts). */
const HITS_PER_PAIRING = 40;
const HITS_PER_ADDRESS_MINUTE = 120;
const jitter = (maxMs: number) => new Promise((r) => setTimeout(r, Math.random() * maxMs));

describe('connect under abuse', () => {
  let stack: Stack;
  let db: Client;
  let userSeq = 0;
  const newUser = () => {
    const id = `U${String(++userSeq).padStart(4, '0')}ABUS`;
    stack.slack.addUser({ id, name: `flood${userSeq}`, realName: `Flood ${userSeq}` });
    return id;
  };
  const repliesTo = (userId: string) =>
    stack.slack.messages.filter((m) => m.kind === 'response_url' && m.user === userId);

  /** Opens the start page with whatever address headers a client (or Fly's edge) sends. */
  const openStartWith = async (pairingId: string, headers: Record<string, string>) => {
    await jitter(20);
    const res = await fetch(`${stack.baseUrl}/oauth/google/start?pairing=${pairingId}`, { headers });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.text() };
  };
  /** As Fly's edge forwards a client's request: Fly-Client-IP names the peer it accepted. */
  const openStart = (pairingId: string, address: string) =>
    openStartWith(pairingId, { 'fly-client-ip': address });
  const callsOf = (method: string) => stack.slack.calls.filter((c) => c.method === method).length;

  beforeAll(async () => {
    // The server runs as on Fly (FLY_APP_NAME is set on every Fly machine), so Fly-Client-IP is believed.
    stack = await startStack({ env: { FLY_APP_NAME: 'mailbridge-test' } });
    db = new Client({ connectionString: stack.db.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await stack?.close();
  });

  it('when 25 /ai-email-connect arrive at once, then exactly 10 pairings are created and 15 are told they are rate-limited', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const userId = newUser();
      await Promise.all(
        Array.from({ length: PARALLEL }, async () => {
          await jitter(30);
          await stack.slack.slashCommand({ command: '/ai-email-connect', userId, channelId: 'C0GENERAL' });
        }),
      );
      await stack.slack.waitForMessage(() => repliesTo(userId).length === PARALLEL, 30_000);
      const replies = repliesTo(userId).map((m) => m.text ?? '');
      const created = await db.query('SELECT count(*)::int AS n FROM pairings WHERE user_id = $1', [userId]);
      expect(created.rows[0].n).toBe(10);
      expect(replies.filter((t) => /oauth\/google\/start\?pairing=/.test(t))).toHaveLength(10);
      expect(replies.filter((t) => /Too many connection attempts/.test(t))).toHaveLength(15);
    }
  });

  it('when the start page is flooded while Slack rate-limits users.info, then Slack lookups stay bounded, the flood gets 429s with a next step and a DM is still delivered', async () => {
    // Were the shared client to wait out this 429, every DM of the deployment would wait ten minutes.
    stack.slack.fail('users.info', { status: 429, retryAfter: 600, times: 1_000_000 });
    let maxLookupsInRound = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const target = newUser();
      const one = await requestPrompt(stack, target);
      const several: Prompt[] = [];
      for (let i = 0; i < 5; i++) several.push(await requestPrompt(stack, newUser()));
      const usersInfoBefore = callsOf('users.info');
      const connecting = newUser();
      const email = `flood-${round}@example.com`;

      const [onePairing, acrossPairings, connected] = await Promise.all([
        // One pairing from 150 addresses: only the per-pairing limit applies.
        Promise.all(
          Array.from({ length: FLOOD }, (_, i) =>
            openStart(one.pairingId, `10.${round}.${i >> 8}.${i & 255}`),
          ),
        ),
        // Five pairings from one address: only the per-address limit applies.
        Promise.all(
          Array.from({ length: FLOOD }, (_, i) =>
            openStart(several[i % several.length]!.pairingId, `192.0.2.${round + 1}`),
          ),
        ),
        jitter(200).then(() => connectUser(stack, { userId: connecting, email })),
      ]);

      expect(onePairing.filter((r) => r.status === 200)).toHaveLength(HITS_PER_PAIRING);
      expect(acrossPairings.filter((r) => r.status === 200)).toHaveLength(HITS_PER_ADDRESS_MINUTE);
      const refused = [...onePairing, ...acrossPairings].filter((r) => r.status !== 200);
      expect(refused.length).toBe(2 * FLOOD - HITS_PER_PAIRING - HITS_PER_ADDRESS_MINUTE);
      for (const r of refused) {
        expect(r.status).toBe(429);
        expect(Number(r.retryAfter)).toBeGreaterThan(0);
        expect(r.body).toMatch(/What next:.*ai-email-connect/s);
      }
      // Slack refused the name: the page still renders, with the user id and the cached workspace name.
      const shown = onePairing.find((r) => r.status === 200)!.body;
      expect(shown).toContain(target);
      expect(shown).toContain(stack.slack.teamName);
      // The code form is limited with the page: this pairing has used its allowance.
      expect((await begin(stack, one.pairingId, one.code)).status).toBe(429);

      expect(connected.status).toBe(200);
      await stack.slack.waitForMessage(
        (m) => m.kind === 'postMessage' && (m.text ?? '').includes(`Connected as ${email}`),
        30_000,
      );
      maxLookupsInRound = Math.max(maxLookupsInRound, callsOf('users.info') - usersInfoBefore);
    }
    // At most one lookup per distinct user before Slack's 429 pauses them; one team.info for the whole run.
    expect(maxLookupsInRound).toBeLessThanOrEqual(7);
    expect(callsOf('users.info')).toBeLessThanOrEqual(7);
    expect(callsOf('team.info')).toBe(1);
    stack.slack.clearFaults();
  }, 600_000);
  it('when not on Fly, then made-up Fly-Client-IP and X-Forwarded-For headers never open a fresh address allowance', async () => {
    await stack.server.stop('SIGTERM');
    // A blank value is an unset variable: this server is not on Fly and trusts no proxy (the default).
    await stack.restart({ FLY_APP_NAME: '' });
    const pairings: Prompt[] = [];
    for (let i = 0; i < 5; i++) pairings.push(await requestPrompt(stack, newUser()));
    for (let round = 0; round < ROUNDS; round++) {
      // Each round starts from an empty address allowance, so the count below is exact.
      await deleteRedisPrefix(`${stack.redisPrefix}:rl:connect-page-address`);
      const hits = await Promise.all(
        Array.from({ length: FLOOD }, (_, i) =>
          openStartWith(pairings[i % pairings.length]!.pairingId, {
            'fly-client-ip': `198.51.${round}.${i}`,
            'x-forwarded-for': `203.0.${round}.${i}, 192.0.2.${i}`,
          }),
        ),
      );
      // Every hit came from this test's one address; the made-up headers changed nothing.
      expect(hits.filter((r) => r.status === 200)).toHaveLength(HITS_PER_ADDRESS_MINUTE);
      expect(hits.filter((r) => r.status === 429)).toHaveLength(FLOOD - HITS_PER_ADDRESS_MINUTE);
      await deleteRedisPrefix(`${stack.redisPrefix}:rl:connect-page-pairing`);
    }
  }, 300_000);
});
