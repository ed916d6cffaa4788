import type { App, RespondFn } from '@slack/bolt';
import type { Logger } from 'pino';
import { isAppError } from '../../shared/errors';
import type { SlackMessage } from '../../shared/slack-messenger';
import { TURN_OFF_ACTION } from './blocks';
import { replyEphemeral } from '../../shared/slack-reply';

type Run = (teamId: string, userId: string) => Promise<SlackMessage>;

export interface NotifyCommandDeps {
  log: Logger;
  on: Run;
  off: Run;
  status: Run;
}

export const NOTIFY_USAGE =
  'Usage: `/ai-email-notifications on` (new Gmail inbox mail arrives here as a DM), `/ai-email-notifications off`, or `/ai-email-notifications status`.';

export function registerNotifyCommands(app: App, deps: NotifyCommandDeps) {
  const answer = async (respond: RespondFn, what: string, run: () => Promise<SlackMessage>) => {
    try {
      await replyEphemeral(respond, await run());
    } catch (err) {
      const known = isAppError(err) && err.httpStatus < 500;
      if (!known) deps.log.error({ err, command: what }, 'notifications command failed');
      await replyEphemeral(respond, {
        text: known ? err.message : 'Something went wrong on our side. Please try again in a minute.',
      });
    }
  };

  app.command('/ai-email-notifications', async ({ command, ack, respond }) => {
    // Acknowledge first: turning notifications on talks to Google and must not risk Slack's 3 s limit.
    await ack();
    const arg = command.text.trim().toLowerCase() || 'status';
    const run =
      arg === 'on' ? deps.on : arg === 'off' ? deps.off : arg === 'status' ? deps.status : undefined;
    if (!run)
      return replyEphemeral(respond, {
        text: `I did not understand \`${arg.replace(/[`<>&]/g, '').slice(0, 40)}\`. ${NOTIFY_USAGE}`,
      });
    await answer(respond, arg, () => run(command.team_id, command.user_id));
  });

  // "Turn off" under each notification: the clicker turns off their own notifications, nobody else's.
  app.action(TURN_OFF_ACTION, async ({ ack, body, respond }) => {
    await ack();
    const teamId = body.team?.id ?? body.user.team_id ?? '';
    await answer(respond, 'turn_off_button', () => deps.off(teamId, body.user.id));
  });
}
