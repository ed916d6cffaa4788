import type { FastifyInstance } from 'fastify';
import { createSlackMessenger, type SlackMessage } from '../../shared/slack-messenger';
import type { TellOwner } from './domain/ports';
import { noticeText } from './replies';
import { createSlackCall } from './slack-errors';

/**
 * The owner's DM through the app's Slack client (Bolt's, which retries on its own): answers to a
 * finished grant and notices. Announcements have their own client (see slack-announcer.ts).
 */
export function createOwnerDm(app: Pick<FastifyInstance, 'slack' | 'metrics'>) {
  const messenger = createSlackMessenger(app.slack.client);
  const slackCall = createSlackCall(app.metrics);
  const dm = async (userId: string, message: SlackMessage): Promise<void> => {
    await slackCall(() => messenger.dm(userId, message));
  };
  const tell: TellOwner = (mailbox, notice) => dm(mailbox.userId, { text: noticeText(mailbox, notice) });
  return { dm, tell };
}
