import type { App, RespondFn } from '@slack/bolt';
import type { Logger } from 'pino';
import { isAppError } from '../../shared/errors';
import type { SlackMessage } from '../../shared/slack-messenger';
import { replyEphemeral } from '../../shared/slack-reply';

export interface ConnectCommandDeps {
  log: Logger;
  connectPrompt(teamId: string, userId: string): Promise<SlackMessage>;
  status(teamId: string, userId: string): Promise<string>;
  disconnect(teamId: string, userId: string): Promise<string>;
}

export function registerConnectCommands(app: App, deps: ConnectCommandDeps) {
  const handle =
    (name: string, run: (teamId: string, userId: string) => Promise<SlackMessage>) =>
    async ({
      command,
      ack,
      respond,
    }: {
      command: { team_id: string; user_id: string };
      ack: () => Promise<void>;
      respond: RespondFn;
    }) => {
      // Acknowledge first: the work below talks to Postgres and Google and must not risk Slack's 3 s limit.
      await ack();
      try {
        await replyEphemeral(respond, await run(command.team_id, command.user_id));
      } catch (err) {
        const known = isAppError(err) && err.httpStatus < 500;
        if (!known) deps.log.error({ err, command: name }, 'slash command failed');
        await replyEphemeral(respond, {
          text: known ? err.message : 'Something went wrong on our side. Please try again in a minute.',
        });
      }
    };

  app.command('/ai-email-connect', handle('connect', deps.connectPrompt));
  app.command(
    '/ai-email-status',
    handle('status', async (t, u) => ({ text: await deps.status(t, u) })),
  );
  app.command(
    '/ai-email-disconnect',
    handle('disconnect', async (t, u) => ({ text: await deps.disconnect(t, u) })),
  );
  // The link button opens the start page in the browser; Slack still reports the click, which needs an ack.
  app.action('connect_open_link', async ({ ack }) => {
    await ack();
  });
}
