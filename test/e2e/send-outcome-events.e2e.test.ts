import { Client } from 'pg';
import { eventually, startStack, type Stack } from '../helpers/stack';
import { SEND_SCOPE, seedConnection } from '../helpers/connect';
import { startAgentSink, type ReceivedEvent } from '../helpers/notify-agent-sink';
import {
  buttonsOf,
  CANCEL_ACTION,
  clickButton,
  draftRow,
  requestDraft,
  stageDraft,
  waitForResponse,
} from '../helpers/send-flow';

const CHANNEL = 'C0OUTCOME';
const SECRET = 'outcome-events-secret-0123456789abcdef01';
const SUBJECT = 'Quarterly numbers';
const BODY = 'Hi Bob,\nhere they are.';
const isFinal = (s: string) => ['sent', 'cancelled', 'expired', 'failed', 'outcome_unknown'].includes(s);
const BODY_FIELDS = [
  'created_at',
  'draft_id',
  'gmail_message_id',
  'gmail_thread_id',
  'id',
  'recipient_count',
  'team_id',
  'trigger_message_ts',
  'type',
  'user_id',
];

/**
 * Every change of a staged email's state reaches the assistant's sink as a signed event with ids and
 * a count only, at least once: through a failing sink, and through kill -9 of the server between the
 * change and the delivery.
 */
describe('outcome events for the assistant', () => {
  let stack: Stack;
  let db: Client;
  let sink: Awaited<ReturnType<typeof startAgentSink>>;
  let seq = 0;

  beforeAll(async () => {
    sink = await startAgentSink(SECRET);
    stack = await startStack({
      env: { AGENT_EVENTS_URL: sink.url, AGENT_EVENTS_SECRET: SECRET, SEND_SWEEP_INTERVAL_MS: '300' },
    });
    db = new Client({ connectionString: stack.db.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await stack?.close();
    await sink?.close();
  });
  afterEach(() => {
    stack.google.clearFaults();
    stack.slack.clearFaults();
    sink.failNext(0);
  });

  async function staged(scopes = [SEND_SCOPE]) {
    const userId = `U${String(++seq).padStart(4, '0')}OUTC`;
    const email = `outcome${seq}@example.com`;
    stack.slack.addUser({ id: userId, name: `outcome${seq}` });
    await seedConnection(stack, { userId, email, scopes });
    const s = await stageDraft(
      stack,
      { userId, channelId: CHANNEL },
      { to: ['bob@example.com', 'carol@example.org'], subject: SUBJECT, body: BODY },
    );
    return { userId, email, id: s.id, buttons: s.buttons, message: s.message };
  }

  const eventsOf = (draftId: string) => sink.events.filter((e) => e.body.draft_id === draftId);
  const eventFor = (draftId: string, status: string) =>
    eventually(() => sink.events.find((e) => e.body.id === `${draftId}:${status}`), 60_000, 50);

  /** The event as the receiver must see it: signed, the row's ids, no content. */
  async function expectEvent(e: ReceivedEvent, draftId: string, type: string) {
    const row = await draftRow(db, draftId);
    expect(e.verified).toBe(true);
    expect(Object.keys(e.body).sort()).toEqual(BODY_FIELDS);
    expect(e.body).toMatchObject({
      type,
      draft_id: draftId,
      trigger_message_ts: row.trigger_ts,
      team_id: row.team_id,
      user_id: row.user_id,
      recipient_count: 2,
    });
    expect(Date.parse(e.body.created_at as string)).not.toBeNaN();
    expect(e.raw).not.toMatch(/Quarterly|bob@example|carol@example|here they are|outcome\d+@example/);
  }

  it('when the owner clicks Send, then email.sent carries the Gmail message and thread ids', async () => {
    const d = await staged();
    await clickButton(stack, { userId: d.userId, value: d.buttons.send, channelId: CHANNEL });
    const e = await eventFor(d.id, 'sent');
    await expectEvent(e, d.id, 'email.sent');
    const [sent] = stack.google.sent(d.email);
    expect(e.body).toMatchObject({ gmail_message_id: sent!.id, gmail_thread_id: sent!.threadId });
    expect((await draftRow(db, d.id)).gmail_thread_id).toBe(sent!.threadId);
  });

  it('when the owner cancels, then email.cancelled and nothing else', async () => {
    const d = await staged();
    await clickButton(stack, {
      userId: d.userId,
      value: d.buttons.cancel,
      actionId: CANCEL_ACTION,
      channelId: CHANNEL,
    });
    const e = await eventFor(d.id, 'cancelled');
    await expectEvent(e, d.id, 'email.cancelled');
    expect(e.body).toMatchObject({ gmail_message_id: null, gmail_thread_id: null });
    await new Promise((r) => setTimeout(r, 500));
    expect(new Set(eventsOf(d.id).map((x) => x.body.type))).toEqual(new Set(['email.cancelled']));
  });

  it('when the preview cannot be shown, then the refused staging emits no event for a draft the assistant never got', async () => {
    const userId = `U${String(++seq).padStart(4, '0')}OUTC`;
    stack.slack.addUser({ id: userId, name: `outcome${seq}` });
    await seedConnection(stack, { userId, email: `outcome${seq}@example.com`, scopes: [SEND_SCOPE] });
    for (const method of ['chat.postEphemeral', 'chat.postMessage', 'conversations.open']) {
      stack.slack.fail(method, { status: 500, times: 20 });
    }
    const { answer } = await requestDraft(stack, { userId, channelId: CHANNEL });
    expect(answer.json.error).toBe('slack_unavailable');
    const { rows } = await db.query(
      "SELECT id FROM email_drafts WHERE user_id = $1 AND status = 'failed' AND failure_reason = 'preview_undeliverable'",
      [userId],
    );
    expect(rows).toHaveLength(1);
    const draftId = rows[0].id as string;
    // An event, had one been recorded with the move, would be in the outbox now or already delivered.
    const outbox = await db.query('SELECT id FROM outcome_events WHERE draft_id = $1', [draftId]);
    expect(outbox.rows).toEqual([]);
    expect(eventsOf(draftId)).toEqual([]);
  });

  it('when the draft runs out of time, then the sweep expires it and email.expired follows', async () => {
    const d = await staged();
    await db.query("UPDATE email_drafts SET expires_at = now() - interval '1 second' WHERE id = $1", [d.id]);
    await expectEvent(await eventFor(d.id, 'expired'), d.id, 'email.expired');
  });

  it('when Google no longer accepts the grant, then email.failed', async () => {
    const d = await staged();
    stack.google.revokeAllGrants(d.email);
    await clickButton(stack, { userId: d.userId, value: d.buttons.send, channelId: CHANNEL });
    const e = await eventFor(d.id, 'failed');
    await expectEvent(e, d.id, 'email.failed');
    expect(e.body.gmail_message_id).toBeNull();
  });

  it('when Gmail answers 500 after sending and Sent cannot be read, then email.outcome_unknown', async () => {
    const d = await staged();
    stack.google.fail('gmail.send', { status: 500, afterEffect: true });
    await clickButton(stack, { userId: d.userId, value: d.buttons.send, channelId: CHANNEL });
    const e = await eventFor(d.id, 'outcome_unknown');
    await expectEvent(e, d.id, 'email.outcome_unknown');
    expect(e.body).toMatchObject({ gmail_message_id: null, gmail_thread_id: null });
  });

  it('when the person saves two edits and then sends, then each edit is an email.edited event of its own before email.sent', async () => {
    const d = await staged();
    const edit = (
      d.message.blocks as Array<{ type: string; elements?: Array<{ action_id?: string; value?: string }> }>
    )
      .find((b) => b.type === 'actions')!
      .elements!.find((e) => e.action_id === 'send_email_edit')!.value!;
    let send = d.buttons.send;
    for (const body of ['first edit', 'second edit']) {
      await clickButton(stack, {
        userId: d.userId,
        value: edit,
        channelId: CHANNEL,
        actionId: 'send_email_edit',
      });
      await stack.slack.waitForView((v) => stack.slack.topModal(d.userId)?.id === v.id);
      const since = stack.slack.messages.length;
      await stack.slack.submitView({ userId: d.userId, values: { edit_body_0: { value: body } } });
      send = buttonsOf(
        await waitForResponse(stack, d.userId, since, (m) => buttonsOf(m) !== undefined),
      )!.send;
    }
    await clickButton(stack, { userId: d.userId, value: send, channelId: CHANNEL });
    const sent = await eventFor(d.id, 'sent');
    const edits = await eventually(() => {
      const found = ['edited:2', 'edited:3'].map((v) =>
        sink.events.find((e) => e.body.id === `${d.id}:${v}`),
      );
      return found.every(Boolean) ? found : undefined;
    });
    for (const e of edits) {
      expect(e!.verified).toBe(true);
      expect(Object.keys(e!.body).sort()).toEqual(BODY_FIELDS);
      expect(e!.body).toMatchObject({
        type: 'email.edited',
        draft_id: d.id,
        recipient_count: 2,
        gmail_message_id: null,
      });
      expect(JSON.stringify(e!.body)).not.toMatch(/first edit|second edit|bob@/);
    }
    expect(Date.parse(edits[1]!.body.created_at as string)).toBeLessThanOrEqual(
      Date.parse(sent.body.created_at as string),
    );
    await expectEvent(sent, d.id, 'email.sent');
  });

  it('when the sink fails for a while, then the event is retried with backoff and delivered once it answers', async () => {
    const d = await staged();
    sink.failNext(5);
    await clickButton(stack, { userId: d.userId, value: d.buttons.send, channelId: CHANNEL });
    const e = await eventFor(d.id, 'sent');
    await expectEvent(e, d.id, 'email.sent');
    const { rows } = await db.query('SELECT id FROM outcome_events WHERE draft_id = $1', [d.id]);
    expect(rows).toEqual([]);
  });

  it(
    'when the server is killed at random instants between a change of state and its delivery, then every change is delivered after the restart',
    async () => {
      const results = [];
      for (let round = 0; round < 12; round++) {
        const d = await staged();
        const cancel = round % 4 === 3;
        // Half the rounds hold the sink down, so the kill surely falls before the delivery.
        const sinkDown = round % 2 === 0;
        if (sinkDown) sink.failNext(1_000_000);
        await clickButton(stack, {
          userId: d.userId,
          value: cancel ? d.buttons.cancel : d.buttons.send,
          actionId: cancel ? CANCEL_ACTION : undefined,
          channelId: CHANNEL,
        });
        // The click took effect (claimed or cancelled); the change of state may still be on its way.
        const moved = async () => (await draftRow(db, d.id)).status !== 'pending';
        await eventually(moved, 15_000, 2);
        if (sinkDown) await eventually(async () => isFinal((await draftRow(db, d.id)).status), 15_000, 2);
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 300)));
        await stack.server.stop('SIGKILL');
        const { rows } = await db.query('SELECT id FROM outcome_events WHERE draft_id = $1', [d.id]);
        const atKill = { status: (await draftRow(db, d.id)).status, outbox: rows.length };
        sink.failNext(0);
        await stack.restart();
        const status = await eventually(async () => {
          const now = (await draftRow(db, d.id)).status as string;
          return isFinal(now) ? now : undefined;
        }, 60_000);
        const e = await eventFor(d.id, status).catch(() => undefined);
        results.push({ round, draftId: d.id, sinkDown, atKill, status, delivered: e?.verified ?? false });
        if (e) await expectEvent(e, d.id, `email.${status}`);
      }
      expect(results.filter((r) => !r.delivered)).toEqual([]);
      // A send killed mid-attempt may end `outcome_unknown` (nothing can read Sent): that change is delivered too.
      for (const r of results) {
        expect(r.status).toMatch(r.round % 4 === 3 ? /^cancelled$/ : /^(sent|outcome_unknown)$/);
      }
      // The crash really fell between the change and the delivery: the event waited in the outbox.
      for (const r of results.filter((x) => x.sinkDown)) expect(r.atKill.outbox).toBe(1);
      // One change per draft, so one event id each: a redelivery after the crash repeats the id, never adds one.
      const mine = new Set(results.map((r) => r.draftId));
      const ids = sink.events
        .filter((e) => mine.has(e.body.draft_id as string))
        .map((e) => e.body.id as string);
      expect(new Set(ids).size).toBe(results.length);
    },
    15 * 60_000,
  );
});
