import { Client } from 'pg';
import { startStack, type Stack } from '../helpers/stack';

const ROUNDS = 10;
const PARALLEL = 25;
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

  beforeAll(async () => {
    stack = await startStack();
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
});
