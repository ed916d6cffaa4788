/**
 * Send clicks one at a time on fresh previews: click → ack (the interaction answered), click → the
 * Slack "Sent" update recorded by the emulator, and click → the mail in the Google emulator.
 */
import { eventually, type Stack } from '../../test/helpers/stack';
import { seedConnection } from '../../test/helpers/connect';
import { SEND_ACTION, callTool, postTrigger, waitForPreview } from '../../test/helpers/send-flow';

const CHANNEL = 'C0BENCH';
/** Sending limits raised so that the run itself is not refused. */
export const SEND_BENCH_ENV = {
  GMAIL_SEND_USER_HOURLY_LIMIT: '1000',
  GMAIL_SEND_USER_DAILY_LIMIT: '1000',
  GMAIL_DRAFTS_USER_HOURLY_LIMIT: '1000',
};

export interface ClickTimes {
  ack: number[];
  slackSent: number[];
  gmailSent: number[];
}

export async function measureSendClicks(stack: Stack, clicks: number): Promise<ClickTimes> {
  const userId = 'U0BENCH';
  const email = 'bench@example.com';
  await seedConnection(stack, { userId, email });
  const times: ClickTimes = { ack: [], slackSent: [], gmailSent: [] };
  for (let i = 0; i < clicks; i++) {
    const ts = await postTrigger(stack, { userId, channelId: CHANNEL });
    const since = stack.slack.messages.length;
    await callTool(stack, {
      trigger_message_ts: ts,
      to: 'bob@example.com',
      subject: `Bench ${i}`,
      body: 'x',
    });
    const { buttons } = await waitForPreview(stack, userId, since);
    const afterPreview = stack.slack.messages.length;
    const start = performance.now();
    const startedAt = Date.now();
    await stack.slack.blockAction({ userId, actionId: SEND_ACTION, value: buttons.send, channelId: CHANNEL });
    times.ack.push(performance.now() - start);
    const sentUpdate = await eventually(
      () =>
        stack.slack.messages
          .slice(afterPreview)
          .find((m) => m.kind !== 'ack' && JSON.stringify(m).includes(':white_check_mark: Sent')),
      30_000,
      2,
    );
    times.slackSent.push(sentUpdate.at.getTime() - startedAt);
    await eventually(() => stack.google.sent(email).length === i + 1, 30_000, 5);
    times.gmailSent.push(performance.now() - start);
  }
  return times;
}
