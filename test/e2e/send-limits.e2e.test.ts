import { eventually } from '../helpers/stack';
import { seedConnection } from '../helpers/connect';
import {
  auditResults,
  clickButton,
  draftRow,
  requestDraft,
  stageDraft,
  useSendStack,
  waitForResponse,
} from '../helpers/send-flow';

const CHANNEL = 'C0LIMITS';

describe('send limits', () => {
  const ctx = useSendStack({
    GMAIL_DRAFTS_USER_HOURLY_LIMIT: '4',
    GMAIL_SEND_USER_HOURLY_LIMIT: '2',
    GMAIL_SEND_GLOBAL_HOURLY_LIMIT: '3',
  });
  let seq = 0;
  const draft = { to: 'bob@example.com', subject: 'Numbers', body: 'Hi' };

  async function connectedUser() {
    const { stack } = ctx;
    const userId = `U${String(++seq).padStart(4, '0')}LIMIT`;
    const email = `limited${seq}@example.com`;
    await seedConnection(stack, { userId, email });
    return { userId, email };
  }

  const callFor = async (userId: string) =>
    (await requestDraft(ctx.stack, { userId, channelId: CHANNEL }, draft)).answer;

  async function stage(userId: string) {
    const staged = await stageDraft(ctx.stack, { userId, channelId: CHANNEL }, draft);
    return { id: staged.id, send: staged.buttons.send };
  }

  /** Clicks Send and returns the first answer to the clicker: the preview replaced, or a notice. */
  async function clickSend(userId: string, value: string) {
    const { stack } = ctx;
    const since = stack.slack.messages.length;
    await clickButton(stack, { userId, value, channelId: CHANNEL });
    return waitForResponse(stack, userId, since, () => true);
  }

  it('when a user stages more drafts per hour than allowed, then the assistant is told to wait', async () => {
    const { userId } = await connectedUser();
    for (let i = 0; i < 4; i++) expect((await callFor(userId)).status).toBe(202);
    const refused = await callFor(userId);
    expect(refused).toMatchObject({ status: 429, json: { error: 'rate_limited' } });
    expect(refused.json.retry_after_seconds).toBeGreaterThan(0);
  });

  it('when a user reaches the hourly send limit, then the next Send is refused, nothing is sent and the draft stays', async () => {
    const { stack, db } = ctx;
    const { userId, email } = await connectedUser();
    for (let i = 0; i < 2; i++) {
      const staged = await stage(userId);
      await clickSend(userId, staged.send);
      await eventually(async () => (await draftRow(db, staged.id)).status === 'sent');
    }
    const third = await stage(userId);
    const notice = await clickSend(userId, third.send);
    expect(notice.text).toContain('limit of 2 emails per hour');
    expect(notice.replaceOriginal).toBe(false);
    expect((await draftRow(db, third.id)).status).toBe('pending');
    expect(await auditResults(db, third.id)).toContain('rate_limited');
    expect(stack.google.sent(email)).toHaveLength(2);
  });

  it('when the deployment reaches its hourly breaker, then every user is refused until it resets', async () => {
    const { stack, db } = ctx;
    // The previous test sent 2 of the 3 allowed this hour.
    const { userId, email } = await connectedUser();
    const first = await stage(userId);
    await clickSend(userId, first.send);
    await eventually(async () => (await draftRow(db, first.id)).status === 'sent');
    const second = await stage(userId);
    const notice = await clickSend(userId, second.send);
    expect(notice.text).toContain('hourly sending limit for this workspace');
    expect((await draftRow(db, second.id)).status).toBe('pending');
    expect(stack.google.sent(email)).toHaveLength(1);
  });
});
