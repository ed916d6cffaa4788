import { eventually } from '../helpers/stack';
import {
  announcementsOf,
  enabledUser,
  mailboxOf,
  setAutoPush,
  settle,
  useNotifyStack,
} from '../helpers/notify-harness';

const DAY_MS = 24 * 3_600_000;

describe('Gmail watch renewal and safety syncs', () => {
  const ctx = useNotifyStack({ env: { NOTIFY_MAINTAIN_INTERVAL_MS: '300' } });
  const watchCalls = (email: string) => ctx.stack.google.watchCalls.filter((c) => c.email === email).length;
  const statusText = async (userId: string) => {
    const { stack } = ctx;
    const before = stack.slack.messages.length;
    await stack.slack.slashCommand({ command: '/ai-email-status', userId, channelId: 'C0GENERAL' });
    return (
      (
        await stack.slack.waitForMessage(
          (m) => stack.slack.messages.indexOf(m) >= before && m.kind === 'response_url',
        )
      ).text ?? ''
    );
  };

  it('when a watch nears its expiry, then the scheduler renews it without moving the cursor', async () => {
    const { stack, h } = ctx;
    const user = await enabledUser(stack, h, { userId: 'URENEW', email: 'renew@example.com' });
    const before = await mailboxOf(h, 'URENEW');
    await h.db.query("UPDATE mailboxes SET watch_expires_at = now() + interval '1 day' WHERE id = $1", [
      user.mailboxId,
    ]);

    await eventually(() => watchCalls(user.email) === 2);
    const after = await eventually(async () => {
      const row = await mailboxOf(h, 'URENEW');
      return row!.watch_expires_at!.getTime() > Date.now() + 6 * DAY_MS ? row : undefined;
    });
    expect(after.history_id).toBe(before!.history_id);
    expect(after.state).toBe('ok');
  });

  it('when a watch has lapsed, then it is renewed and the mail that arrived meanwhile is announced', async () => {
    const { stack, h } = ctx;
    const user = await enabledUser(stack, h, { userId: 'ULAPSE', email: 'lapse@example.com' });
    stack.google.expireWatch(user.email);
    const missed = stack.google.deliver(user.email, { from: 'x@example.org', subject: 'while lapsed' });
    expect(stack.google.pushes.some((p) => p.email === user.email && p.historyId === missed.historyId)).toBe(
      false,
    );

    await h.db.query("UPDATE mailboxes SET watch_expires_at = now() - interval '1 minute' WHERE id = $1", [
      user.mailboxId,
    ]);

    await eventually(() => announcementsOf(stack, missed.id).length === 1);
    expect(await mailboxOf(h, 'ULAPSE')).toMatchObject({ enabled: true, state: 'ok' });
    expect(stack.google.watches(user.email)!.expiration).toBeGreaterThan(Date.now());
  });

  it('when renewing a lapsed watch keeps failing, then status shows it lapsed and the user is told once', async () => {
    const { stack, h } = ctx;
    const user = await enabledUser(stack, h, { userId: 'UGONE', email: 'gone@example.com' });
    stack.google.expireWatch(user.email);
    stack.google.fail('gmail.watch', { status: 400, times: 1000 });
    await h.db.query("UPDATE mailboxes SET watch_expires_at = now() - interval '1 minute' WHERE id = $1", [
      user.mailboxId,
    ]);

    const told = (m: { kind: string; text?: string }) =>
      m.kind === 'postMessage' && /notifications for gone@example.com have stopped/.test(m.text ?? '');
    await stack.slack.waitForMessage(told);
    await eventually(
      () =>
        stack.google.requests.filter(
          (r) => r.endpoint === 'gmail.watch' && r.email === user.email && r.status === 400,
        ).length >= 3,
    );
    expect(stack.slack.messages.filter(told)).toHaveLength(1);
    expect(await mailboxOf(h, 'UGONE')).toMatchObject({ enabled: true, state: 'lapsed' });
    expect(await statusText('UGONE')).toMatch(/lapsed/);

    stack.google.clearFaults();
    await eventually(async () => (await mailboxOf(h, 'UGONE'))?.state === 'ok');
    expect((await mailboxOf(h, 'UGONE'))!.lapse_notified_at).toBeNull();
  });

  it('when a mailbox has been silent for hours, then a safety sync finds its new mail', async () => {
    const { stack, h } = ctx;
    const user = await enabledUser(stack, h, { userId: 'USILENT', email: 'silent@example.com' });
    setAutoPush(stack, false);
    const unpushed = stack.google.deliver(user.email, { from: 'x@example.org', subject: 'no push came' });
    await h.db.query(
      "UPDATE mailboxes SET last_push_at = now() - interval '7 hours', last_sync_at = now() - interval '7 hours' WHERE id = $1",
      [user.mailboxId],
    );

    await eventually(() => announcementsOf(stack, unpushed.id).length === 1);
    await settle(stack, h);
    expect(announcementsOf(stack, unpushed.id)).toHaveLength(1);
  });
});
