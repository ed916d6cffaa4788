import { eventually } from '../helpers/stack';
import { METADATA_SCOPE, SEND_SCOPE, seedConnection } from '../helpers/connect';
import { clickButton, draftRow, responsesTo, stageDraft, useSendStack } from '../helpers/send-flow';

const CHANNEL = 'C0KILLS';
const ROUNDS = 12;

/** What the person's preview must say for each final status. */
const SHOWN: Record<string, RegExp> = {
  sent: /Sent to/,
  outcome_unknown: /Outcome unknown/,
  failed: /Failed/,
};

/**
 * When the process is killed, counted from the owner's click. `sent_untold`: Gmail answered and
 * the draft is `sent`, but Slack has not taken the preview update yet (it is held up).
 */
type KillPoint =
  | { after: 'claim'; maxDelayMs: number }
  | { after: 'attempting' }
  | { after: 'gmail_accepted'; maxDelayMs: number }
  | { after: 'sent_untold' };

/**
 * The process is SIGKILLed at random instants around a send and restarted, round after round.
 * Whatever the instant, the draft must end in a final status, the person's preview must show that
 * status (never "Sending…"), and Gmail must have sent at most once.
 */
describe('confirm-to-send under kill -9 at random instants', () => {
  const ctx = useSendStack({ SEND_SWEEP_INTERVAL_MS: '300' });
  let seq = 0;

  async function stagedDraft(scopes: string[]) {
    const userId = `U${String(++seq).padStart(4, '0')}KILL`;
    const email = `kill${seq}@example.com`;
    await seedConnection(ctx.stack, { userId, email, scopes });
    const staged = await stageDraft(ctx.stack, { userId, channelId: CHANNEL }, { subject: 'Hi', body: 'x' });
    return { userId, email, id: staged.id, send: staged.buttons.send };
  }

  const lastPreview = (userId: string, since: number) =>
    responsesTo(ctx.stack, userId, since).at(-1)?.text ?? '(none)';

  /** Clicks Send, kills the server at `at`, restarts it; returns what the round ended with. */
  async function round(scopes: string[], at: KillPoint) {
    const { stack, db } = ctx;
    const d = await stagedDraft(scopes);
    const since = stack.slack.messages.length;
    // Gmail answers after a moment: time enough to catch the attempt, or to hold up the preview
    // update that follows the answer.
    if (at.after === 'sent_untold' || at.after === 'attempting')
      stack.google.fail('gmail.send', { delayMs: 500 });
    await clickButton(stack, { userId: d.userId, value: d.send, channelId: CHANNEL });
    if (at.after === 'claim') {
      await eventually(async () => (await draftRow(db, d.id)).status !== 'pending', 15_000, 2);
    } else if (at.after === 'attempting') {
      await eventually(async () => (await draftRow(db, d.id)).status === 'attempting', 15_000, 2);
    } else if (at.after === 'gmail_accepted') {
      await eventually(() => stack.google.sent(d.email).length > 0, 15_000, 2);
    } else {
      await eventually(() => /Sending/.test(lastPreview(d.userId, since)), 15_000, 2);
      stack.slack.fail('response_url', { delayMs: 60_000, drop: true });
      await eventually(async () => (await draftRow(db, d.id)).status === 'sent', 15_000, 2);
    }
    const delayMs = 'maxDelayMs' in at ? Math.floor(Math.random() * at.maxDelayMs) : 0;
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    await stack.server.stop('SIGKILL');
    stack.slack.clearFaults();
    stack.google.clearFaults();
    const atKill = { status: (await draftRow(db, d.id)).status, preview: lastPreview(d.userId, since) };
    await stack.restart();
    const final = await eventually(
      async () => {
        const { status } = await draftRow(db, d.id);
        return SHOWN[status]?.test(lastPreview(d.userId, since)) ? status : undefined;
      },
      60_000,
      100,
    ).catch(async () => `stuck: ${(await draftRow(db, d.id)).status} / ${lastPreview(d.userId, since)}`);
    return { at: at.after, delayMs, atKill, final, gmailSends: stack.google.sent(d.email).length };
  }

  it(
    'when killed at random instants around the send, then the preview ends showing the final status and Gmail sent at most once',
    async () => {
      const points: KillPoint[] = [
        { after: 'claim', maxDelayMs: 400 },
        { after: 'attempting' },
        { after: 'gmail_accepted', maxDelayMs: 40 },
        { after: 'sent_untold' },
      ];
      const results = [];
      for (let i = 0; i < ROUNDS; i++) {
        // Every other pass over the kill points can reconcile through SENT (gmail.metadata).
        const scopes = Math.floor(i / points.length) % 2 ? [SEND_SCOPE, METADATA_SCOPE] : [SEND_SCOPE];
        results.push(await round(scopes, points[i % points.length]!));
      }
      for (const r of results) {
        expect(r).toMatchObject({ final: expect.stringMatching(/^(sent|outcome_unknown|failed)$/) });
        expect(r.gmailSends).toBeLessThanOrEqual(1);
        // Sent means Gmail has it; a status that says nothing was sent means Gmail has nothing.
        if (r.final === 'sent') expect(r.gmailSends).toBe(1);
        if (r.final === 'failed') expect(r.gmailSends).toBe(0);
      }
      // The reported case really happened: `sent` at the kill while the preview still said Sending….
      for (const r of results.filter((x) => x.at === 'sent_untold')) {
        expect(r.atKill).toEqual({ status: 'sent', preview: expect.stringMatching(/Sending/) });
        expect(r.final).toBe('sent');
      }
    },
    15 * 60_000,
  );

  it(
    'when the mailbox has the notification scope and the process is killed right after Send, then every round ends sent with exactly one email',
    async () => {
      const { stack } = ctx;
      // Gmail's SENT listing lags the send a little, as the real one does.
      stack.google.setSentListingDelay(1_500);
      const results = [];
      try {
        for (let i = 0; i < 10; i++) {
          // Gmail sends at once but answers late: the process dies waiting for the answer.
          stack.google.fail('gmail.send', { afterEffect: true, delayMs: 60_000 });
          results.push(
            await round([SEND_SCOPE, METADATA_SCOPE], { after: 'gmail_accepted', maxDelayMs: 50 }),
          );
        }
      } finally {
        stack.google.setSentListingDelay(0);
      }
      expect(results.map((r) => [r.final, r.gmailSends])).toEqual(results.map(() => ['sent', 1]));
    },
    15 * 60_000,
  );
});
