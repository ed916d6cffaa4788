import type { App, SlackActionMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { Logger } from 'pino';
import { answeringKnownErrors } from '../../shared/slack-answer';
import type { SlackMessage } from '../../shared/slack-messenger';
import { replyEphemeral } from '../../shared/slack-reply';
import type { CheckStatus } from './domain/status';
import type { Disconnect } from './domain/disconnect';
import type { PairingPurpose } from './domain/types';
import { CONNECT_ERROR_WORDS, COMMAND_FALLBACK, disconnectText, statusText } from './replies';

export interface ConnectSlackDeps {
  log: Logger;
  prompt(teamId: string, userId: string, purpose: PairingPurpose): Promise<SlackMessage>;
  checkStatus: CheckStatus;
  disconnect: Disconnect;
}

type CommandArgs = Pick<SlackCommandMiddlewareArgs, 'command' | 'ack' | 'respond'>;

/** Acknowledge first: the work talks to Postgres and Google and must not risk Slack's 3 s limit. */
const command =
  (name: string, log: Logger, run: (teamId: string, userId: string) => Promise<SlackMessage>) =>
  async ({ command: c, ack, respond }: CommandArgs) => {
    await ack();
    await answeringKnownErrors(async () => replyEphemeral(respond, await run(c.team_id, c.user_id)), {
      known: [CONNECT_ERROR_WORDS],
      fallback: COMMAND_FALLBACK,
      answer: (message) => replyEphemeral(respond, message),
      log,
      context: { command: name },
    });
  };

export const connectCommand = (deps: Pick<ConnectSlackDeps, 'log' | 'prompt'>) =>
  command('connect', deps.log, (teamId, userId) => deps.prompt(teamId, userId, 'connect'));

export const statusCommand = (deps: Pick<ConnectSlackDeps, 'log' | 'checkStatus'>) =>
  command('status', deps.log, async (teamId, userId) => {
    const check = await deps.checkStatus(teamId, userId);
    if (check.problem) {
      const { connectionId, code } = check.problem;
      deps.log.warn({ connectionId, code }, 'status check failed');
    }
    return { text: statusText(check) };
  });

export const disconnectCommand = (deps: Pick<ConnectSlackDeps, 'log' | 'disconnect'>) =>
  command('disconnect', deps.log, async (teamId, userId) => ({
    text: disconnectText(await deps.disconnect(teamId, userId)),
  }));

/** The link button opens the start page in the browser; Slack still reports the click, which needs an ack. */
export const openLinkAction = async ({ ack }: Pick<SlackActionMiddlewareArgs, 'ack'>) => {
  await ack();
};

export function registerConnectSlack(app: App, deps: ConnectSlackDeps) {
  app.command('/ai-email-connect', connectCommand(deps));
  app.command('/ai-email-status', statusCommand(deps));
  app.command('/ai-email-disconnect', disconnectCommand(deps));
  app.action('connect_open_link', openLinkAction);
}
