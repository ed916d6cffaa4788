import { eventually } from '../helpers/stack';
import {
  announcementsOf,
  command,
  enabledUser,
  mailboxOf,
  setAutoPush,
  settle,
  useNotifyStack,
} from '../helpers/notify-harness';

describe('notification syncs under Gmail and Slack faults', () => {
  const ctx = useNotifyStack();
  const historyStatuses = (email: string, since: number) =>
    ctx.stack.google.requests
      .slice(since)
      .filter((r) => r.endpoint === 'gmail.history' && r.email === email)
      .map((r) => r.status);

  it('when Gmail answers 429 (Retry-After) and then 500, then the sync backs off and the message is announced once', async () => {
    const { stack, h } = ctx;
    const user = await enabledUser(stack, h, { userId: 'URETRY', email: 'retry@example.com' });
    const since = stack.google.requests.length;
    stack.google.fail('gmail.history', { status: 429, retryAfter: 1 });
    stack.google.fail('gmail.history', { status: 500, times: 2 });
    const mail = stack.google.deliver(user.email, { from: 'x@example.org', subject: 'eventually' });

    await eventually(() => announcementsOf(stack, mail.id).length === 1);
    await settle(stack, h);
    expect(historyStatuses(user.email, since)).toEqual([429, 500, 500, 200]);
    expect(announcementsOf(stack, mail.id)).toHaveLength(1);
    expect(await mailboxOf(h, 'URETRY')).toMatchObject({ state: 'ok' });
  });

  it('when Gmail refuses for lack of permission, then the sync is not retried and the mailbox says why', async () => {
    const { stack, h } = ctx;
    const user = await enabledUser(stack, h, { userId: 'UPERM', email: 'perm@example.com' });
    const since = stack.google.requests.length;
    stack.google.fail('gmail.history', {
      status: 403,
      body: {
        error: {
          code: 403,
          message: 'Insufficient Permission',
          status: 'PERMISSION_DENIED',
          errors: [{ reason: 'insufficientPermissions' }],
        },
      },
    });
    const first = stack.google.deliver(user.email, { from: 'x@example.org', subject: 'refused' });

    await eventually(async () => (await mailboxOf(h, 'UPERM'))?.state === 'error');
    await settle(stack, h);
    expect(historyStatuses(user.email, since)).toEqual([403]);
    expect((await mailboxOf(h, 'UPERM'))!.state_reason).toMatch(/permission to read new-mail headers/);
    expect((await command(stack, 'UPERM', 'status')).text).toMatch(/permission to read new-mail headers/);

    // The cursor did not move: once Gmail answers again, the refused message is not lost.
    const second = stack.google.deliver(user.email, { from: 'y@example.org', subject: 'after' });
    await eventually(
      () => announcementsOf(stack, second.id).length === 1 && announcementsOf(stack, first.id).length === 1,
    );
    await settle(stack, h);
    expect(await mailboxOf(h, 'UPERM')).toMatchObject({ state: 'ok' });
  });

  it('when the history cursor is too old (404), then recent unannounced inbox mail is backfilled, the user is told, and a new cursor is used', async () => {
    const { stack, h } = ctx;
    const user = await enabledUser(stack, h, { userId: 'UHIST', email: 'hist@example.com' });
    const known = stack.google.deliver(user.email, { from: 'x@example.org', subject: 'already announced' });
    await eventually(() => announcementsOf(stack, known.id).length === 1);
    await settle(stack, h);
    setAutoPush(stack, false);
    const missed = [1, 2].map((i) =>
      stack.google.deliver(user.email, { from: `m${i}@example.org`, subject: `missed ${i}` }),
    );
    stack.google.expireHistoryBefore(user.email, stack.google.historyId(user.email));

    expect((await stack.google.push(user.email)).status).toBe(204);

    await stack.slack.waitForMessage(
      (m) =>
        m.kind === 'postMessage' && /some new-mail notifications may have been missed/.test(m.text ?? ''),
    );
    await eventually(() => missed.every((m) => announcementsOf(stack, m.id).length === 1));
    await settle(stack, h);
    expect(announcementsOf(stack, known.id)).toHaveLength(1);
    expect(await mailboxOf(h, 'UHIST')).toMatchObject({
      state: 'backfilled',
      history_id: stack.google.historyId(user.email),
    });

    setAutoPush(stack, true);
    const later = stack.google.deliver(user.email, { from: 'z@example.org', subject: 'back to normal' });
    await eventually(() => announcementsOf(stack, later.id).length === 1);
    await settle(stack, h);
    expect(await mailboxOf(h, 'UHIST')).toMatchObject({ state: 'ok' });
  });

  it('when history is still empty right after a push, then one delayed recheck finds the message', async () => {
    const { stack, h } = ctx;
    const user = await enabledUser(stack, h, { userId: 'URECHECK', email: 'recheck@example.com' });
    const cursor = (await mailboxOf(h, 'URECHECK'))!.history_id!;
    setAutoPush(stack, false);
    const mail = stack.google.deliver(user.email, { from: 'x@example.org', subject: 'late history' });
    // Gmail's history lags its push: the first look sees nothing new yet.
    stack.google.fail('gmail.history', { status: 200, body: { historyId: cursor } });

    expect((await stack.google.push(user.email)).status).toBe(204);

    await eventually(() => announcementsOf(stack, mail.id).length === 1);
    await settle(stack, h);
    // The log line comes over the server's stdout, apart from the job's end: wait for the recheck's line.
    await stack.server.waitForLog(
      (l) => l.msg === 'mailbox synced' && l.mailboxId === user.mailboxId && l.recheck === true,
    );
    const syncs = stack.server.logs.filter(
      (l) => l.msg === 'mailbox synced' && l.mailboxId === user.mailboxId,
    );
    expect(syncs.filter((l) => l.recheck === true)).toHaveLength(1);
    expect(announcementsOf(stack, mail.id)).toHaveLength(1);
  });

  it('when Slack rate-limits the DM, then it is posted once after Retry-After', async () => {
    const { stack, h } = ctx;
    const user = await enabledUser(stack, h, { userId: 'USLACK', email: 'slack429@example.com' });
    stack.slack.fail('chat.postMessage', { status: 429, retryAfter: 1 });
    const mail = stack.google.deliver(user.email, { from: 'x@example.org', subject: 'rate limited' });

    await eventually(() => announcementsOf(stack, mail.id).length === 1);
    await settle(stack, h);
    expect(stack.slack.calls.some((c) => c.method === 'chat.postMessage' && c.faulted)).toBe(true);
    expect(announcementsOf(stack, mail.id)).toHaveLength(1);
  });

  it('when Google answers invalid_grant, then the connection is invalid, notifications stop and the user is told once', async () => {
    const { stack, h } = ctx;
    const user = await enabledUser(stack, h, { userId: 'UGRANTX', email: 'revoked@example.com' });
    stack.google.revokeAllGrants(user.email);
    const first = stack.google.deliver(user.email, { from: 'x@example.org', subject: 'after revoke' });

    await eventually(async () => (await mailboxOf(h, 'UGRANTX'))?.enabled === false);
    const told = (m: { kind: string; text?: string }) =>
      m.kind === 'postMessage' && /revoked@example.com\) stopped working/.test(m.text ?? '');
    await stack.slack.waitForMessage(told);
    expect(await mailboxOf(h, 'UGRANTX')).toMatchObject({ enabled: false, state: 'error' });
    const second = stack.google.deliver(user.email, { from: 'y@example.org', subject: 'still revoked' });
    expect((await stack.google.push(user.email)).status).toBe(204);
    await settle(stack, h);
    expect(announcementsOf(stack, first.id)).toHaveLength(0);
    expect(announcementsOf(stack, second.id)).toHaveLength(0);
    expect(stack.slack.messages.filter(told)).toHaveLength(1);
    expect((await command(stack, 'UGRANTX', 'status')).text).toMatch(/no longer valid/);
  });
});
