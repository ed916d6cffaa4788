import type { SlackMessage } from '../../shared/slack-messenger';
export type { RefreshHome } from '../../shared/home-refresh';
import type { ConnectionView } from './domain/ports';

/** What the other modules use of notify. */
export interface NotifyModule {
  /** The person granted the notification scope: start the watch and tell them. */
  start(connection: ConnectionView): Promise<void>;
  connectionEnded(connection: ConnectionView): Promise<void>;
  connectionInvalid(connection: ConnectionView): Promise<void>;
  /** Notifications on or off as `/ai-email-notifications on|off` does, answered with its reply. */
  switchNotifications(teamId: string, userId: string, on: boolean): Promise<SlackMessage>;
  /** The notification rules for the App Home: a summary in words and the button that edits them. */
  rules?: {
    summary(teamId: string, userId: string): Promise<string[]>;
    editButton(teamId: string, userId: string): { action_id: string; value: string };
  };
}
