import type { SlackMessenger } from '../../shared/slack-messenger';
import type { HomeNeeds } from './api';
import type { HomeAction } from './domain/types';

/**
 * What a Home button does, through the same use cases as the slash commands; their answer goes to the
 * person's DM with the app (a Home has no conversation to answer in), e.g. the connect link.
 */
export const homeActionRunner =
  (m: HomeNeeds, slack: Pick<SlackMessenger, 'dm'>) =>
  async (action: HomeAction, teamId: string, userId: string): Promise<void> => {
    const reply = await {
      connect: () => m.connect.prompt(teamId, userId, 'connect'),
      disconnect: () => m.connect.disconnect(teamId, userId),
      notifications_on: () => m.notify.switchNotifications(teamId, userId, true),
      notifications_off: () => m.notify.switchNotifications(teamId, userId, false),
    }[action]();
    await slack.dm(userId, reply);
  };
