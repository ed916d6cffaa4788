import { Queue, QueueEvents } from 'bullmq';
import { METADATA_SCOPE, SEND_SCOPE, seedConnection } from '../helpers/connect';
import { connectUser } from '../helpers/connect-flow';
import { REDIS_TEST_URL } from '../helpers/database';
import { eventually, type Stack } from '../helpers/stack';
import { announcementsOf, setAutoPush } from '../helpers/notify-harness';
import {
  clickButton,
  dmChannelOf,
  draftRow,
  requestDraft,
  stageDraft,
  useSendStack,
} from '../helpers/send-flow';
import {
  HOME_ACTIONS,
  buttonOf,
  buttonsOf,
  clickHome,
  openHome,
  publishesFor,
  textOf,
  waitForHome,
} from '../helpers/home-flow';

const CHANNEL = 'C0HOMETEST';

describe('App Home', () => {
  const ctx = useSendStack({ HOME_REFRESH_DELAY_MS: '1000' });
  let queue: Queue;
  let seq = 0;
  beforeAll(() => {
    queue = new Queue('home', {
      connection: { url: REDIS_TEST_URL },
      prefix: `${ctx.stack.redisPrefix}:bull`,
    });
  });
  afterAll(async () => {
    await queue?.close();
  });

  const newUser = () => {
    const userId = `U${String(++seq).padStart(4, '0')}HOME`;
    ctx.stack.slack.addUser({ id: userId, name: `home${seq}` });
    return { userId, email: `home${seq}@example.com` };
  };

  /** A new connected person whose Home is open, and a draft they staged with `over`. */
  const stagedWithHomeOpen = async (over: Record<string, unknown>) => {
    const { stack } = ctx;
    const { userId, email } = newUser();
    await seedConnection(stack, { userId, email });
    await openHome(stack, userId);
    const staged = await stageDraft(stack, { userId, channelId: CHANNEL }, over);
    return { userId, email, staged };
  };

  /** Messages posted in the person's DM with the app after index `since`. */
  const dmAfter = (userId: string, since: number, pattern: RegExp) =>
    ctx.stack.slack.waitForMessage(
      (m) =>
        ctx.stack.slack.messages.indexOf(m) >= since &&
        m.channel === dmChannelOf(ctx.stack, userId) &&
        pattern.test(m.text ?? ''),
    );

  /** Waits until the server has refused `n` Home clicks by `userId` (forged or tampered values). */
  const refusedClicks = (userId: string, n: number) =>
    eventually(() => {
      const refused = ctx.stack.server.logs.filter(
        (l) => l.msg === 'home click refused' && (l as { userId?: string }).userId === userId,
      );
      return refused.length >= n && refused.every((l) => (l as { result?: string }).result === 'refused');
    });

  const connectionStatus = (userId: string) =>
    ctx.db
      .query('SELECT status FROM gmail_connections WHERE user_id = $1', [userId])
      .then((r) => r.rows[0]?.status as string | undefined);

  /** No refresh waiting, delayed or running: every change asked for so far has been published. */
  const homeQueueIdle = () =>
    eventually(async () => {
      const c = await queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
      return Object.values(c).every((n) => n === 0);
    });

  it('when a person who never connected opens the Home, then it offers Connect, which sends the link; connecting shows the address', async () => {
    const { stack } = ctx;
    const { userId, email } = newUser();
    const home = await openHome(stack, userId);
    expect(textOf(home)).toContain('not connected');
    expect(buttonOf(home, HOME_ACTIONS.connect)).toBeDefined();
    expect(buttonOf(home, HOME_ACTIONS.disconnect)).toBeUndefined();

    const since = stack.slack.messages.length;
    await clickHome(stack, { ownerId: userId, actionId: HOME_ACTIONS.connect });
    await dmAfter(userId, since, /oauth\/google\/start\?pairing=/);

    await connectUser(stack, { userId, email });
    const connected = await waitForHome(stack, userId, (v) => textOf(v).includes(email));
    expect(textOf(connected)).toMatch(/Connected since <!date\^\d+\^/);
    expect(textOf(connected)).toContain('send the emails you confirm');
    expect(buttonOf(connected, HOME_ACTIONS.disconnect)?.confirm).toMatchObject({
      confirm: { text: 'Disconnect' },
    });
    expect(buttonOf(connected, HOME_ACTIONS.connect)).toBeUndefined();
  });

  it('when a staged email is sent, then the Home lists it as sent with its recipients, subject and Gmail link', async () => {
    const { stack } = ctx;
    const { userId, email, staged } = await stagedWithHomeOpen({
      to: ['zoe@example.com'],
      subject: 'Figures <Q3> *final*',
    });
    await waitForHome(stack, userId, (v) => textOf(v).includes('waiting for your Send'));

    await clickButton(stack, { userId, value: staged.buttons.send, channelId: CHANNEL });
    const home = await waitForHome(stack, userId, (v) => /\*sent\* · to/.test(textOf(v)));
    const row = await draftRow(ctx.db, staged.id);
    expect(row.gmail_message_id).toEqual(expect.any(String));
    const link = buttonsOf(home).find((b) => b.url)?.url;
    expect(link).toBe(
      `https://mail.google.com/mail/u/0/?authuser=${encodeURIComponent(email)}#all/${row.gmail_message_id}`,
    );
    expect(textOf(home)).toContain('zoe@example.com');
    expect(textOf(home)).toContain('Figures &lt;Q3&gt; \u2217final\u2217');
  });

  it('when the owner turns notifications on and off from the Home, then the watch follows and the Home shows it', async () => {
    const { stack } = ctx;
    const { userId, email } = newUser();
    await seedConnection(stack, { userId, email, scopes: [SEND_SCOPE, METADATA_SCOPE] });
    const home = await openHome(stack, userId);
    expect(buttonOf(home, HOME_ACTIONS.on)).toBeDefined();

    let since = stack.slack.messages.length;
    await clickHome(stack, { ownerId: userId, actionId: HOME_ACTIONS.on });
    await dmAfter(userId, since, /notifications are on/);
    const on = await waitForHome(stack, userId, (v) => buttonOf(v, HOME_ACTIONS.off) !== undefined);
    expect(textOf(on)).toContain('healthy');
    expect(textOf(on)).toContain('No notification yet.');

    // A notification delivered shows its time.
    setAutoPush(stack, true);
    const mail = stack.google.deliver(email, { from: 'Bob <bob@example.org>', subject: 'Lunch', body: 'b' });
    await eventually(() => announcementsOf(stack, mail.id)[0]);
    const notified = await waitForHome(stack, userId, (v) =>
      /Last notification: <!date\^\d+\^/.test(textOf(v)),
    );
    expect(buttonOf(notified, HOME_ACTIONS.off)).toBeDefined();

    since = stack.slack.messages.length;
    await clickHome(stack, { ownerId: userId, actionId: HOME_ACTIONS.off });
    await dmAfter(userId, since, /are off/);
    const off = await waitForHome(stack, userId, (v) => buttonOf(v, HOME_ACTIONS.on) !== undefined);
    expect(textOf(off)).toContain('*New-mail notifications:* off');
  });

  it('when the owner confirms Disconnect on the Home, then the connection ends and the Home offers Connect', async () => {
    const { stack } = ctx;
    const { userId, email } = newUser();
    await seedConnection(stack, { userId, email });
    await openHome(stack, userId);
    await clickHome(stack, { ownerId: userId, actionId: HOME_ACTIONS.disconnect });
    await waitForHome(stack, userId, (v) => buttonOf(v, HOME_ACTIONS.connect) !== undefined);
    expect(await connectionStatus(userId)).toBe('revoked');
  });

  it('when another person replays the owner’s button, or the value is tampered with, then nothing happens', async () => {
    const { stack } = ctx;
    const owner = newUser();
    const other = newUser();
    await seedConnection(stack, { userId: owner.userId, email: owner.email });
    await seedConnection(stack, { userId: other.userId, email: other.email });
    const home = await openHome(stack, owner.userId);
    await openHome(stack, other.userId);
    const value = buttonOf(home, HOME_ACTIONS.disconnect)!.value!;
    const [body, mac] = value.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, string>;
    const retargeted = Buffer.from(JSON.stringify({ ...claims, u: other.userId })).toString('base64url');
    const since = stack.slack.messages.length;

    // The other person clicks the owner's Disconnect (their own Home, the owner's value) ...
    await clickHome(stack, { ownerId: other.userId, actionId: HOME_ACTIONS.disconnect, value });
    // ... or one signed for the owner but rewritten to name them; the owner clicks a tampered value.
    await clickHome(stack, {
      ownerId: other.userId,
      actionId: HOME_ACTIONS.disconnect,
      value: `${retargeted}.${mac}`,
    });
    await clickHome(stack, { ownerId: owner.userId, actionId: HOME_ACTIONS.disconnect, value: `${value}A` });
    await clickHome(stack, { ownerId: owner.userId, actionId: HOME_ACTIONS.on, value });

    await refusedClicks(other.userId, 2);
    await refusedClicks(owner.userId, 2);
    expect(await connectionStatus(owner.userId)).toBe('active');
    expect(await connectionStatus(other.userId)).toBe('active');
    const dms = stack.slack.messages.filter(
      (m, i) => i >= since && m.channel === dmChannelOf(stack, owner.userId),
    );
    expect(dms).toEqual([]);
  });

  it('when another person replays the owner’s Connect, or a rewritten or tampered value, then only genuine clicks act', async () => {
    const { stack } = ctx;
    const owner = newUser();
    const other = newUser();
    const value = buttonOf(await openHome(stack, owner.userId), HOME_ACTIONS.connect)!.value!;
    await openHome(stack, other.userId);
    const [body, mac] = value.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, string>;
    const retargeted = Buffer.from(JSON.stringify({ ...claims, u: other.userId })).toString('base64url');
    const since = stack.slack.messages.length;

    for (const forged of [value, `${retargeted}.${mac}`]) {
      await clickHome(stack, { ownerId: other.userId, actionId: HOME_ACTIONS.connect, value: forged });
    }
    await clickHome(stack, { ownerId: owner.userId, actionId: HOME_ACTIONS.connect, value: `${value}A` });
    await refusedClicks(other.userId, 2);
    await refusedClicks(owner.userId, 1);
    await clickHome(stack, { ownerId: other.userId, actionId: HOME_ACTIONS.connect });
    await dmAfter(other.userId, since, /oauth\/google\/start\?pairing=/);
    const dmsOf = (userId: string) =>
      stack.slack.messages.filter((m, i) => i >= since && m.channel === dmChannelOf(stack, userId));
    expect(dmsOf(other.userId)).toHaveLength(1);
    expect(dmsOf(owner.userId)).toEqual([]);
  });

  it('when the person saves notification rules from the Home, then the Home shows their new summary', async () => {
    const { stack } = ctx;
    const { userId, email } = newUser();
    await seedConnection(stack, { userId, email, scopes: [SEND_SCOPE, METADATA_SCOPE] });
    const home = await openHome(stack, userId);
    expect(textOf(home)).toContain('*Notification rules*');
    expect(textOf(home)).toContain('Delivery: each email');

    await clickHome(stack, { ownerId: userId, actionId: 'notify_rules_edit' });
    const modal = await stack.slack.waitForView(
      (v) => v.callback_id === 'notification_rules' && stack.slack.topModal(userId)?.id === v.id,
    );
    const saved = await stack.slack.submitView({
      userId,
      viewId: modal.id,
      values: { delivery: { value: 'hourly' } },
    });
    expect(saved.responseAction).toBeUndefined();
    await waitForHome(stack, userId, (v) => textOf(v).includes('Delivery: hourly digest'));
  });

  const mailboxesOf = (userId: string) =>
    ctx.db.query('SELECT enabled, state FROM mailboxes WHERE user_id = $1', [userId]).then((r) => r.rows);

  /** Every log line and stderr chunk of the server, as one text. */
  const allLogs = (stack: Stack) => JSON.stringify(stack.server.logs) + stack.server.stderr.join('');

  it('when Slack fails a Home publish or the DM of a Home click, then the logs hold neither the bot token nor what was sent', async () => {
    const { stack } = ctx;
    const { userId, email } = newUser();
    await seedConnection(stack, { userId, email });
    await openHome(stack, userId);
    const secret = { subject: 'Salary review Q4 for Dana', to: ['dana.secret@example.net'] };
    await stageDraft(stack, { userId, channelId: CHANNEL }, secret);
    await waitForHome(stack, userId, (v) => textOf(v).includes(secret.subject));
    const failuresBefore = stack.server.logs.filter((l) => l.msg === 'home not published').length;

    // The connection dropped (the error carries the whole request), then Slack answering 500.
    for (const fault of [{ drop: true }, { status: 500 }]) {
      stack.slack.fail('views.publish', { ...fault, times: 3 });
      await stack.slack.openHome(userId);
      await eventually(
        () =>
          stack.server.logs.filter((l) => l.msg === 'home not published').length >
          failuresBefore + (fault.drop ? 0 : 1),
      );
      stack.slack.clearFaults();
    }
    // A Home click whose DM answer (the connect link) cannot be delivered.
    const other = newUser();
    await openHome(stack, other.userId);
    stack.slack.fail('chat.postMessage', { drop: true, times: 3 });
    await clickHome(stack, { ownerId: other.userId, actionId: HOME_ACTIONS.connect });
    await eventually(() => stack.server.logs.find((l) => l.msg === 'home click failed'));
    stack.slack.clearFaults();

    const failed = stack.server.logs.filter((l) => /home (not published|click failed)/.test(l.msg ?? ''));
    expect(failed.length).toBeGreaterThanOrEqual(3);
    expect(failed.every((l) => typeof (l as { err?: { message?: string } }).err?.message === 'string')).toBe(
      true,
    );
    const logs = allLogs(stack);
    expect(logs).not.toContain(stack.slack.botToken);
    expect(logs).not.toContain('Salary');
    expect(logs).not.toContain('dana.secret');
    expect(logs).not.toContain('pairing=');
  });

  it('when the person disconnects and connects again, then a Disconnect or Turn on shown for the earlier connection does nothing', async () => {
    const { stack } = ctx;
    const { userId, email } = newUser();
    await connectUser(stack, { userId, email });
    const first = await openHome(stack, userId);
    const oldDisconnect = buttonOf(first, HOME_ACTIONS.disconnect)!.value!;
    const oldTurnOn = buttonOf(first, HOME_ACTIONS.on)!.value!;
    const { rows: before } = await ctx.db.query('SELECT id FROM gmail_connections WHERE user_id = $1', [
      userId,
    ]);

    await clickHome(stack, { ownerId: userId, actionId: HOME_ACTIONS.disconnect });
    await waitForHome(stack, userId, (v) => buttonOf(v, HOME_ACTIONS.connect) !== undefined);
    const again = `again.${email}`;
    await connectUser(stack, { userId, email: again });
    await waitForHome(stack, userId, (v) => textOf(v).includes(again));
    const { rows: after } = await ctx.db.query(
      'SELECT id, status, email FROM gmail_connections WHERE user_id = $1',
      [userId],
    );
    // The reconnect keeps the row (and its id): only the time of the connection tells them apart.
    expect(after).toEqual([{ id: before[0].id, status: 'active', email: again }]);

    const mailboxesBefore = await mailboxesOf(userId);
    const since = stack.slack.messages.length;
    await clickHome(stack, { ownerId: userId, actionId: HOME_ACTIONS.disconnect, value: oldDisconnect });
    await clickHome(stack, { ownerId: userId, actionId: HOME_ACTIONS.on, value: oldTurnOn });
    await eventually(
      () =>
        stack.server.logs.filter(
          (l) =>
            l.msg === 'home click refused' &&
            (l as { userId?: string }).userId === userId &&
            (l as { result?: string }).result === 'stale',
        ).length === 2,
    );
    expect(await connectionStatus(userId)).toBe('active');
    expect(await mailboxesOf(userId)).toEqual(mailboxesBefore);
    const dms = stack.slack.messages.filter((m, i) => i >= since && m.channel === dmChannelOf(stack, userId));
    expect(dms).toEqual([]);

    // The Home published now carries buttons for the new connection, which act.
    await homeQueueIdle();
    await clickHome(stack, { ownerId: userId, actionId: HOME_ACTIONS.disconnect });
    await waitForHome(stack, userId, (v) => buttonOf(v, HOME_ACTIONS.connect) !== undefined);
    expect(await connectionStatus(userId)).toBe('revoked');
  });

  it('when retention purges a finished email’s content, then the Home stops showing its recipients and subject', async () => {
    const { stack } = ctx;
    const { userId, staged } = await stagedWithHomeOpen({
      to: ['purged.reader@example.com'],
      subject: 'Soon forgotten',
    });
    await clickButton(stack, {
      userId,
      value: staged.buttons.cancel,
      channelId: CHANNEL,
      actionId: 'send_email_cancel',
    });
    await waitForHome(
      stack,
      userId,
      (v) => textOf(v).includes('*cancelled*') && textOf(v).includes('Soon forgotten'),
    );

    await ctx.db.query(`UPDATE email_drafts SET updated_at = now() - interval '400 days' WHERE id = $1`, [
      staged.id,
    ]);
    const maintenance = new Queue('maintenance', {
      connection: { url: REDIS_TEST_URL },
      prefix: `${stack.redisPrefix}:bull`,
    });
    try {
      await maintenance.add('purge-retention', {});
      const home = await waitForHome(stack, userId, (v) => textOf(v).includes('_content removed_'));
      expect(textOf(home)).not.toContain('Soon forgotten');
      expect(textOf(home)).not.toContain('purged.reader');
    } finally {
      await maintenance.close();
    }
  });
});

describe('App Home, a burst of changes', () => {
  // Refreshes wait an hour: the test, not the clock, decides when the one waiting refresh runs.
  const ctx = useSendStack({ HOME_REFRESH_DELAY_MS: '3600000' });
  let queue: Queue;
  let events: QueueEvents;
  beforeAll(async () => {
    const opts = { connection: { url: REDIS_TEST_URL }, prefix: `${ctx.stack.redisPrefix}:bull` };
    queue = new Queue('home', opts);
    events = new QueueEvents('home', opts);
    await events.waitUntilReady();
  });
  afterAll(async () => {
    await events?.close();
    await queue?.close();
  });

  const delayedFor = async (userId: string) =>
    (await queue.getDelayed()).filter((j) => (j.data as { userId?: string }).userId === userId);

  it('when many changes arrive together, then the Home is published once with all of them', async () => {
    const { stack } = ctx;
    const userId = 'U0BURSTHOME';
    stack.slack.addUser({ id: userId, name: 'burst' });
    await seedConnection(stack, { userId, email: 'burst@example.com' });
    await openHome(stack, userId);
    const before = publishesFor(stack, userId);
    expect(await delayedFor(userId)).toEqual([]);

    const deduplicated: string[] = [];
    events.on('deduplicated', ({ deduplicationId }) => void deduplicated.push(deduplicationId));
    const subjects = ['Burst 1', 'Burst 2', 'Burst 3', 'Burst 4', 'Burst 5'];
    const answers = await Promise.all(
      subjects.map((subject) => requestDraft(stack, { userId, channelId: CHANNEL }, { subject })),
    );
    expect(answers.map((a) => a.answer.status)).toEqual(subjects.map(() => 202));

    // Each staging asked for a refresh: one job waits, the four others were folded into it.
    const ownRefresh = `home:${stack.slack.teamId}:${userId}`;
    await eventually(() => deduplicated.filter((id) => id === ownRefresh).length === 4);
    const [waiting, ...more] = await delayedFor(userId);
    expect(more).toEqual([]);
    expect(publishesFor(stack, userId)).toBe(before);

    await waiting!.promote();
    await waitForHome(stack, userId, (v) => subjects.every((s) => textOf(v).includes(s)));
    await eventually(async () => {
      const c = await queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
      return Object.values(c).every((n) => n === 0);
    });
    expect(publishesFor(stack, userId) - before).toBe(1);
  });
});
