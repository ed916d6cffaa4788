import { randomInt } from 'node:crypto';
import { Client } from 'pg';
import { startStack, eventually, type Stack } from '../helpers/stack';
import { authorize, begin, connectUser, getPage, requestPrompt } from '../helpers/connect-flow';
import { dmChannelOf, stageDraft } from '../helpers/send-flow';

/** One Slack person per call, in the stack's workspace. */
let seq = 0;
function person(stack: Stack) {
  const userId = `U${String(++seq).padStart(4, '0')}MBOX`;
  stack.slack.addUser({ id: userId, name: `mbox${seq}` });
  return userId;
}

const dmsTo = (stack: Stack, userId: string) =>
  stack.slack.messages.filter((m) => m.kind === 'postMessage' && m.channel === dmChannelOf(stack, userId));

function useStack(env: Record<string, string> = {}) {
  const ctx = {} as { stack: Stack; db: Client };
  beforeAll(async () => {
    ctx.stack = await startStack({ env });
    ctx.db = new Client({ connectionString: ctx.stack.db.url });
    await ctx.db.connect();
  });
  afterAll(async () => {
    await ctx.db?.end();
    await ctx.stack?.close();
  });
  return ctx;
}

const activeHolders = async (db: Client, email: string) =>
  (
    await db.query<{ user_id: string }>(
      "SELECT user_id FROM gmail_connections WHERE email = $1 AND status = 'active' ORDER BY user_id",
      [email],
    )
  ).rows.map((r) => r.user_id);

/** Each person starts a link with their code, then all give Google consent at nearly the same moment. */
async function consentAtOnce(stack: Stack, users: string[]) {
  const started = [];
  for (const userId of users) {
    const prompt = await requestPrompt(stack, userId);
    const b = await begin(stack, prompt.pairingId, prompt.code);
    expect(b.status).toBe(303);
    started.push(b);
  }
  return Promise.all(
    started.map(async (b) => {
      await new Promise((r) => setTimeout(r, randomInt(0, 20)));
      return getPage(await authorize(b.location!), b.cookie);
    }),
  );
}

describe('one Google account, one Slack person', () => {
  const ctx = useStack();

  it('when someone connects a Google account another person holds, then the page refuses, nothing is stored, the link is spent and the holder gets one DM', async () => {
    const { stack, db } = ctx;
    const holder = person(stack);
    const other = person(stack);
    expect((await connectUser(stack, { userId: holder, email: 'shared@example.com' })).status).toBe(200);
    const holderDms = dmsTo(stack, holder).length;

    const refused = await connectUser(stack, { userId: other, email: 'shared@example.com' });
    expect(refused.status).toBe(409);
    expect(refused.body).toContain('already connected to Mailbridge by another person');
    expect(refused.body).toContain('shared@example.com');
    expect(await activeHolders(db, 'shared@example.com')).toEqual([holder]);
    expect((await db.query('SELECT 1 FROM gmail_connections WHERE user_id = $1', [other])).rowCount).toBe(0);
    // The pairing is spent: its code does not start another attempt.
    expect((await begin(stack, refused.prompt.pairingId, refused.prompt.code)).status).not.toBe(303);

    const told = await eventually(
      () => dmsTo(stack, holder).slice(holderDms).length > 0 && dmsTo(stack, holder).slice(holderDms),
    );
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toContain(`<@${other}> tried to connect your Gmail account`);
    expect(told[0]!.text).toContain('refused');
    expect(await getPage(`${stack.baseUrl}/healthz`).then((p) => p.status)).toBe(200);
  });

  it('when two people finish connecting one Google account at the same time, then at most one holds it, the holder is told once, and a loser keeps the account it had (10 rounds)', async () => {
    const { stack, db } = ctx;
    for (let round = 0; round < 10; round += 1) {
      const email = `race${round}@example.com`;
      const users = [person(stack), person(stack)];
      // In odd rounds the first racer already holds another account, with an email waiting for Send.
      const previous = round % 2 === 1 ? `before${round}@example.com` : undefined;
      let draftId: string | undefined;
      if (previous) {
        expect((await connectUser(stack, { userId: users[0]!, email: previous })).status).toBe(200);
        draftId = (await stageDraft(stack, { userId: users[0]!, channelId: 'C0MBOXRACE' })).id;
      }
      stack.google.addAccount({ email });
      stack.google.setConsent({ email, times: 2 });
      const dmsBefore = users.map((u) => dmsTo(stack, u).length);
      const pages = await consentAtOnce(stack, users);
      const holders = await activeHolders(db, email);
      expect(holders).toHaveLength(1);
      expect(pages.map((p) => p.status).sort()).toEqual([200, 409]);
      const winnerAt = pages.findIndex((p) => p.status === 200);
      const winner = users[winnerAt]!;
      expect(holders).toEqual([winner]);
      const tried = () =>
        dmsTo(stack, winner)
          .slice(dmsBefore[winnerAt])
          .filter((m) => m.text?.includes('tried to connect'));
      await eventually(() => tried().length > 0);
      expect(tried()).toHaveLength(1);
      if (previous) {
        const status = async () =>
          (await db.query<{ status: string }>('SELECT status FROM email_drafts WHERE id = $1', [draftId]))
            .rows[0]!.status;
        if (winnerAt === 0) {
          // The switch happened: the old account's email waiting for Send is cancelled.
          await eventually(async () => (await status()) === 'cancelled');
        } else {
          // Losing the race ends nothing: the account held before and its waiting email are untouched.
          expect(await activeHolders(db, previous)).toEqual([users[0]]);
          expect(await status()).toBe('pending');
        }
      }
    }
  });
});

describe('shared mailboxes allowed', () => {
  const ctx = useStack({ ALLOW_SHARED_MAILBOXES: 'true' });

  it('when a second person connects the same Google account, then both hold it and the first is told once', async () => {
    const { stack, db } = ctx;
    const first = person(stack);
    const second = person(stack);
    expect((await connectUser(stack, { userId: first, email: 'team@example.com' })).status).toBe(200);
    const before = dmsTo(stack, first).length;
    expect((await connectUser(stack, { userId: second, email: 'team@example.com' })).status).toBe(200);
    expect(await activeHolders(db, 'team@example.com')).toEqual([first, second].sort());
    const told = await eventually(
      () => dmsTo(stack, first).slice(before).length > 0 && dmsTo(stack, first).slice(before),
    );
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toContain(`<@${second}> also connected your Gmail account`);
  });

  it('when two people connect an account nobody holds at the same time, then both hold it and the first is told once (10 rounds)', async () => {
    const { stack, db } = ctx;
    for (let round = 0; round < 10; round += 1) {
      const email = `shared-race${round}@example.com`;
      stack.google.addAccount({ email });
      stack.google.setConsent({ email, times: 2 });
      const users = [person(stack), person(stack)];
      const pages = await consentAtOnce(stack, users);
      expect(pages.map((p) => p.status)).toEqual([200, 200]);
      expect(await activeHolders(db, email)).toEqual([...users].sort());
      const also = (u: string) =>
        dmsTo(stack, u).filter((m) => m.text?.includes('also connected your Gmail'));
      await eventually(() => also(users[0]!).length + also(users[1]!).length > 0);
      // Exactly one of the two was there first and is told of the other, once.
      expect(also(users[0]!).length + also(users[1]!).length).toBe(1);
    }
  });
});
