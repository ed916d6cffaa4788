import { eventually } from '../helpers/stack';
import { METADATA_SCOPE, SEND_SCOPE, seedConnection } from '../helpers/connect';
import { authorize, begin, getPage, requestPrompt } from '../helpers/connect-flow';
import { startAgentSink } from '../helpers/notify-agent-sink';
import {
  announcedIdsOf,
  announcementsOf,
  command,
  enabledUser,
  mailboxOf,
  setAutoPush,
  settle,
  useNotifyStack,
} from '../helpers/notify-harness';

const AGENT_SECRET = 'agent-events-secret-0123456789abcdef0123';

describe('Gmail notifications in Slack', () => {
  const ctx = useNotifyStack({
    service: () => startAgentSink(AGENT_SECRET),
    env: (sink) => ({
      AGENT_EVENTS_URL: sink.url,
      AGENT_EVENTS_SECRET: AGENT_SECRET,
      NOTIFY_MAINTAIN_INTERVAL_MS: '500',
    }),
  });

  it('when a user without the read scope turns notifications on, then Grant access runs the connect flow and the watch starts', async () => {
    const { stack, h } = ctx;
    stack.slack.addUser({ id: 'UGRANT', name: 'grace' });
    await seedConnection(stack, { userId: 'UGRANT', email: 'grace@example.com', scopes: [SEND_SCOPE] });

    const prompt = await requestPrompt(stack, 'UGRANT', '/ai-email-notifications', 'on');
    expect(prompt.message.text).toMatch(/read the headers of new messages/);
    expect(JSON.stringify(prompt.message.blocks)).toContain('Grant access');
    expect(await mailboxOf(h, 'UGRANT')).toBeUndefined();

    stack.google.setConsent({
      email: 'grace@example.com',
      grantScopes: [SEND_SCOPE, METADATA_SCOPE],
      times: 1,
    });
    const started = await begin(stack, prompt.pairingId, prompt.code);
    expect(started.status).toBe(303);
    const auth = new URL(started.location!);
    expect(auth.searchParams.get('scope')).toContain(METADATA_SCOPE);
    expect(auth.searchParams.get('include_granted_scopes')).toBe('true');
    const done = await getPage(await authorize(started.location!), started.cookie);
    expect(done.status).toBe(200);

    await stack.slack.waitForMessage(
      (m) => m.kind === 'postMessage' && /notifications are on for grace@example.com/.test(m.text ?? ''),
    );
    const mailbox = await mailboxOf(h, 'UGRANT');
    expect(mailbox).toMatchObject({
      enabled: true,
      state: 'ok',
      history_id: stack.google.watches('grace@example.com')?.historyId,
    });
    expect(stack.google.watchCalls.filter((c) => c.email === 'grace@example.com')).toEqual([
      {
        email: 'grace@example.com',
        topicName: stack.env.GMAIL_PUBSUB_TOPIC,
        labelIds: ['INBOX'],
        labelFilterBehavior: 'include',
      },
    ]);
  });

  it('when a user with the scope turns notifications on, then the cursor and expiry are stored and status says so', async () => {
    const { stack, h } = ctx;
    const user = await enabledUser(stack, h, { userId: 'UON', email: 'on@example.com' });
    const watch = stack.google.watches(user.email)!;
    const row = await mailboxOf(h, 'UON');
    expect(row).toMatchObject({ enabled: true, state: 'ok', history_id: watch.historyId });
    expect(row!.watch_expires_at!.getTime()).toBe(watch.expiration);
    expect((await command(stack, 'UON', 'status')).text).toMatch(
      /notifications for on@example.com are on[\s\S]*watch healthy until/i,
    );
    expect((await command(stack, 'UON', '')).text).toMatch(/are on/);
    expect((await command(stack, 'UON', 'sometimes')).text).toMatch(/Usage: `\/ai-email-notifications on`/);
  });

  it('when a new message reaches the inbox, then exactly one DM names sender, subject and links to Gmail, and a signed event reaches the agent', async () => {
    const { stack, h } = ctx;
    const user = await enabledUser(stack, h, { userId: 'UNEW', email: 'new@example.com' });
    const mail = stack.google.deliver(user.email, {
      from: 'Bob <bob@example.org>',
      subject: 'Lunch <tomorrow> & more',
      body: 'secret body',
    });

    const dm = await eventually(() => announcementsOf(stack, mail.id)[0]);
    await settle(stack, h);
    expect(announcementsOf(stack, mail.id)).toHaveLength(1);
    const section = JSON.stringify(dm.blocks);
    expect(section).toContain('Bob &lt;bob@example.org&gt;');
    expect(section).toContain('Lunch &lt;tomorrow&gt; &amp; more');
    expect(section).toContain(
      `https://mail.google.com/mail/u/0/?authuser=new%40example.com#inbox/${mail.id}|Open in Gmail`,
    );
    expect(dm.text).not.toContain('secret body');
    const row = await mailboxOf(h, 'UNEW');
    expect(BigInt(row!.history_id!)).toBe(BigInt(stack.google.historyId(user.email)));
    expect(row!.last_notified_at).not.toBeNull();

    const event = await eventually(() => ctx.service.events.find((e) => e.body.gmail_message_id === mail.id));
    expect(event.verified).toBe(true);
    expect(event.body).toMatchObject({
      type: 'gmail.message.received',
      user_id: 'UNEW',
      subject: 'Lunch <tomorrow> & more',
    });
    expect(event.raw).not.toContain('secret body');
    // The id an assistant passes as send_email's in_reply_to, in the DM's metadata and in the event.
    expect(announcedIdsOf(dm)).toEqual([mail.id]);
    expect(event.body).toMatchObject({ gmail_message_id: mail.id, gmail_thread_id: mail.threadId });
  });

  it('when sent, draft-like, promotional or own mail arrives, then only the real inbox message is announced', async () => {
    const { stack, h } = ctx;
    const user = await enabledUser(stack, h, { userId: 'UFILTER', email: 'filter@example.com' });
    const promo = stack.google.deliver(user.email, {
      from: 'shop@example.org',
      subject: 'Sale',
      labelIds: ['INBOX', 'CATEGORY_PROMOTIONS'],
    });
    const social = stack.google.deliver(user.email, {
      from: 'net@example.org',
      subject: 'Poke',
      labelIds: ['INBOX', 'CATEGORY_SOCIAL'],
    });
    const own = stack.google.deliver(user.email, {
      from: 'Me <Filter@example.com>',
      subject: 'note to self',
    });
    const sent = stack.google.deliver(user.email, {
      from: 'filter@example.com',
      subject: 'sent',
      labelIds: ['INBOX', 'SENT'],
    });
    const real = stack.google.deliver(user.email, { from: 'friend@example.org', subject: 'Hi' });

    await eventually(() => announcementsOf(stack, real.id).length === 1);
    await settle(stack, h);
    for (const m of [promo, social, own, sent]) expect(announcementsOf(stack, m.id)).toHaveLength(0);
  });

  it('when more messages than the digest threshold arrive at once, then one digest announces them all', async () => {
    const { stack, h } = ctx;
    const user = await enabledUser(stack, h, { userId: 'UDIGEST', email: 'digest@example.com' });
    setAutoPush(stack, false);
    const mails = Array.from({ length: 7 }, (_, i) =>
      stack.google.deliver(user.email, { from: `p${i}@example.org`, subject: `news ${i}` }),
    );
    expect((await stack.google.push(user.email)).status).toBe(204);

    const digest = await stack.slack.waitForMessage(
      (m) => m.kind === 'postMessage' && /7 new emails/.test(m.text ?? ''),
    );
    await settle(stack, h);
    for (const m of mails) expect(announcementsOf(stack, m.id)).toEqual([digest]);
  });

  it('when the user turns notifications off, then the watch is stopped and nothing more is announced', async () => {
    const { stack, h } = ctx;
    const user = await enabledUser(stack, h, { userId: 'UOFF', email: 'off@example.com' });
    expect((await command(stack, 'UOFF', 'off')).text).toMatch(/notifications for off@example.com are off/);
    expect(stack.google.stopCalls).toContainEqual({ email: user.email });
    expect(await mailboxOf(h, 'UOFF')).toMatchObject({ enabled: false });
    const mail = stack.google.deliver(user.email, { from: 'x@example.org', subject: 'after off' });
    expect((await stack.google.push(user.email)).status).toBe(204);
    await settle(stack, h);
    expect(announcementsOf(stack, mail.id)).toHaveLength(0);
    expect((await command(stack, 'UOFF', 'status')).text).toMatch(/are off/);
    expect((await command(stack, 'UOFF', 'off')).text).toMatch(/already off/);
  });

  it('when the user clicks Turn off under a notification, then notifications stop', async () => {
    const { stack, h } = ctx;
    const user = await enabledUser(stack, h, { userId: 'UBUTTON', email: 'button@example.com' });
    const mail = stack.google.deliver(user.email, { from: 'x@example.org', subject: 'click me' });
    await eventually(() => announcementsOf(stack, mail.id).length === 1);
    await stack.slack.blockAction({ userId: 'UBUTTON', actionId: 'notify_turn_off', value: 'off' });
    await eventually(async () => (await mailboxOf(h, 'UBUTTON'))?.enabled === false);
    // The row is turned off first and the watch stopped right after: wait for the stop to be seen.
    await eventually(() => stack.google.stopCalls.some((c) => c.email === user.email));
  });

  it('when the user disconnects Gmail, then the watch is stopped and notifications are off', async () => {
    const { stack, h } = ctx;
    const user = await enabledUser(stack, h, { userId: 'UDISC', email: 'disc@example.com' });
    await stack.slack.slashCommand({
      command: '/ai-email-disconnect',
      userId: 'UDISC',
      channelId: 'C0GENERAL',
    });
    await eventually(async () => (await mailboxOf(h, 'UDISC'))?.enabled === false);
    // The row is turned off first and the watch stopped right after: wait for the stop to be seen.
    await eventually(() => stack.google.stopCalls.some((c) => c.email === user.email));
    const mail = stack.google.deliver(user.email, { from: 'x@example.org', subject: 'after disconnect' });
    expect((await stack.google.push(user.email)).status).toBe(204);
    await settle(stack, h);
    expect(announcementsOf(stack, mail.id)).toHaveLength(0);
  });
});
