import { Redis } from 'ioredis';
import { eventually } from '../helpers/stack';
import { REDIS_TEST_URL } from '../helpers/database';
import { READONLY_SCOPE, SEND_SCOPE, seedConnection } from '../helpers/connect';
import { clickButton, draftRow, stageDraft, useSendStack, waitForResponse } from '../helpers/send-flow';

const CHANNEL = 'C0RESTART';

/**
 * The process is killed (SIGKILL) after the owner's Send was claimed and restarted: Gmail must
 * send at most once, and the owner must still learn what happened.
 */
describe('confirm-to-send across a crash', () => {
  const ctx = useSendStack({ SEND_SWEEP_INTERVAL_MS: '300' });
  let redis: Redis;
  let seq = 0;

  async function stagedDraft(scopes: string[]) {
    const userId = `U${String(++seq).padStart(4, '0')}CRASH`;
    const email = `crash${seq}@example.com`;
    await seedConnection(ctx.stack, { userId, email, scopes });
    const staged = await stageDraft(ctx.stack, { userId, channelId: CHANNEL }, { subject: 'Hi', body: 'x' });
    return { userId, email, id: staged.id, send: staged.buttons.send };
  }

  /** Clicks Send and SIGKILLs the server as soon as `killNow` holds. */
  async function clickAndKill(
    d: { userId: string; send: string },
    killNow: () => Promise<boolean> | boolean,
  ) {
    await clickButton(ctx.stack, { userId: d.userId, value: d.send, channelId: CHANNEL });
    await eventually(killNow, 15_000, 10);
    await ctx.stack.server.stop('SIGKILL');
  }

  beforeAll(() => {
    redis = new Redis(REDIS_TEST_URL);
  });
  afterAll(async () => {
    await redis?.quit();
  });

  it('when killed while Gmail holds the request and no read scope exists, then it is not resent and the owner is told to check Sent', async () => {
    const { stack, db } = ctx;
    const d = await stagedDraft([SEND_SCOPE]);
    // Gmail sends at once but answers only much later: the process dies waiting for the answer.
    stack.google.fail('gmail.send', { afterEffect: true, delayMs: 60_000 });
    const since = stack.slack.messages.length;
    await clickAndKill(d, () => stack.google.sent(d.email).length === 1);
    await stack.restart();
    const told = await waitForResponse(
      stack,
      d.userId,
      since,
      (m) => /Outcome unknown/.test(m.text ?? ''),
      30_000,
    );
    expect(told.text).toContain('Sent folder');
    expect((await draftRow(db, d.id)).status).toBe('outcome_unknown');
    expect(stack.google.sent(d.email)).toHaveLength(1);
  });

  it('when killed while Gmail holds the request and a read scope exists, then Sent is searched and the owner told it was sent', async () => {
    const { stack, db } = ctx;
    const d = await stagedDraft([SEND_SCOPE, READONLY_SCOPE]);
    stack.google.fail('gmail.send', { afterEffect: true, delayMs: 60_000 });
    const since = stack.slack.messages.length;
    await clickAndKill(d, () => stack.google.sent(d.email).length === 1);
    await stack.restart();
    await waitForResponse(stack, d.userId, since, (m) => /Sent to/.test(m.text ?? ''), 30_000);
    const row = await draftRow(db, d.id);
    expect(row.status).toBe('sent');
    expect(stack.google.sent(d.email)).toHaveLength(1);
    expect(row.gmail_message_id).toBe(stack.google.sent(d.email)[0]!.id);
  });

  it('when killed after the claim but before Gmail was called, then the send happens exactly once after the restart', async () => {
    const { stack, db } = ctx;
    const d = await stagedDraft([SEND_SCOPE]);
    // The token refresh is slow, so the draft sits claimed ("sending") when the process dies.
    stack.google.fail('token', { delayMs: 2_000 });
    const since = stack.slack.messages.length;
    // Killed while a worker holds the job (its lock outlives the process) and nothing was attempted.
    await clickAndKill(d, async () => {
      const active = await redis.lrange(`${stack.redisPrefix}:bull:send:active`, 0, -1);
      return active.includes(`send-${d.id}`) && (await draftRow(db, d.id)).status === 'sending';
    });
    await stack.restart();
    // The sweep hands the draft to a new job once no live worker could still hold it.
    await waitForResponse(stack, d.userId, since, (m) => /Sent to/.test(m.text ?? ''), 30_000);
    expect((await draftRow(db, d.id)).status).toBe('sent');
    expect(stack.google.sent(d.email)).toHaveLength(1);
  });
});
