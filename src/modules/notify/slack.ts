import type {
  App,
  BlockAction,
  RespondFn,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
} from '@slack/bolt';
import type { Logger } from 'pino';
import type { Clock } from '../../shared/clock';
import { answeringKnownErrors } from '../../shared/slack-answer';
import { CONNECT_ERROR_WORDS } from '../connect/replies';
import { replyEphemeral } from '../../shared/slack-reply';
import type { SlackMessage } from '../../shared/slack-messenger';
import type { MailboxControl } from './domain/mailbox-control';
import type { ConnectionView } from './domain/ports';
import { TURN_OFF_ACTION } from './blocks';
import {
  describeNotifications,
  disableReply,
  enableReply,
  FAILED_REPLY,
  unknownArgumentReply,
  type Prompt,
} from './replies';

export interface NotifySlackDeps {
  control: Pick<MailboxControl, 'enable' | 'disable' | 'mailboxOf'>;
  /** connect's prompt (a fresh pairing link) for this person. */
  prompt(teamId: string, userId: string, purpose: Parameters<Prompt>[0]): Promise<SlackMessage>;
  clock: Clock;
  log: Logger;
}

type Run = (deps: NotifySlackDeps, teamId: string, userId: string) => Promise<SlackMessage>;

const promptFor =
  (prompt: NotifySlackDeps['prompt'], teamId: string, userId: string): Prompt =>
  (purpose) =>
    prompt(teamId, userId, purpose);

const RUNS = {
  on: async (deps, teamId, userId) =>
    enableReply(await deps.control.enable(teamId, userId), promptFor(deps.prompt, teamId, userId)),
  off: async (deps, teamId, userId) => disableReply(await deps.control.disable(teamId, userId)),
  status: async (deps, teamId, userId) => {
    const { connection, mailbox } = await deps.control.mailboxOf(teamId, userId);
    return { text: describeNotifications(connection, mailbox, deps.clock.now()) };
  },
} satisfies Record<string, Run>;

const runOf = (arg: string): Run | undefined =>
  Object.hasOwn(RUNS, arg) ? RUNS[arg as keyof typeof RUNS] : undefined;

const answer = (
  deps: NotifySlackDeps,
  respond: RespondFn,
  command: string,
  run: () => Promise<SlackMessage>,
) =>
  answeringKnownErrors(async () => void (await replyEphemeral(respond, await run())), {
    // Failures the person can act on (no usable connection, too many connection links) are connect's.
    known: [CONNECT_ERROR_WORDS],
    fallback: FAILED_REPLY,
    answer: (message) => replyEphemeral(respond, message),
    log: deps.log,
    context: { command },
  });

/** /ai-email-notifications [on|off|status]: status when nothing is given. */
export const notificationsCommand =
  (deps: NotifySlackDeps) =>
  async ({ command, ack, respond }: Pick<SlackCommandMiddlewareArgs, 'command' | 'ack' | 'respond'>) => {
    // Acknowledge first: turning notifications on talks to Google and must not risk Slack's 3 s limit.
    await ack();
    const arg = command.text.trim().toLowerCase() || 'status';
    const run = runOf(arg);
    if (!run) return void (await replyEphemeral(respond, unknownArgumentReply(arg)));
    await answer(deps, respond, arg, () => run(deps, command.team_id, command.user_id));
  };

/** On or off as the command does it, answered with the command's reply (App Home's buttons). */
export const switchNotifications =
  (deps: NotifySlackDeps) =>
  (teamId: string, userId: string, on: boolean): Promise<SlackMessage> =>
    (on ? RUNS.on : RUNS.off)(deps, teamId, userId);

/** "Turn off" under each notification: the clicker turns off their own notifications, nobody else's. */
export const turnOffAction =
  (deps: NotifySlackDeps) =>
  async ({
    ack,
    body,
    respond,
  }: Pick<SlackActionMiddlewareArgs<BlockAction>, 'ack' | 'body' | 'respond'>) => {
    await ack();
    const teamId = body.team?.id ?? body.user.team_id ?? '';
    await answer(deps, respond, 'turn_off_button', () => RUNS.off(deps, teamId, body.user.id));
  };

/** Registers the command and the button; returns the same switch for App Home's buttons. */
export function registerNotifySlack(app: App, deps: NotifySlackDeps) {
  app.command('/ai-email-notifications', notificationsCommand(deps));
  app.action<BlockAction>(TURN_OFF_ACTION, turnOffAction(deps));
  return switchNotifications(deps);
}

/**
 * The person granted the notification scope (a finished "Grant access"): start the watch and tell
 * them in their DM how it went.
 */
export const startNotifications =
  (deps: {
    control: Pick<MailboxControl, 'enableConnection'>;
    prompt: NotifySlackDeps['prompt'];
    dm(userId: string, message: SlackMessage): Promise<void>;
  }) =>
  async (connection: ConnectionView): Promise<void> => {
    const result = await deps.control.enableConnection(connection);
    const prompt = promptFor(deps.prompt, connection.teamId, connection.userId);
    await deps.dm(connection.userId, await enableReply(result, prompt));
  };
