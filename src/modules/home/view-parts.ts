import type { KnownBlock } from '../../shared/slack-messenger';
import type { HomeButton } from './domain/home-button';
import type { HomeAction, HomeConnection, HomeState } from './domain/types';
import { ACTION_IDS } from './action-ids';

export interface ViewOptions {
  /** Signs a button's value (owner, team, the action and the connection it names). */
  sign(button: HomeButton): string;
  /** The "Edit rules" button (action id and value), when the notification rules can be edited. */
  rulesButton?(teamId: string, userId: string): { action_id: string; value: string };
}

/** Slack renders the date in the reader's own time zone; the fallback is UTC. */
export const slackDate = (d: Date) =>
  `<!date^${Math.floor(d.getTime() / 1000)}^{date_short_pretty} {time}|${d.toISOString().slice(0, 16).replace('T', ' ')} UTC>`;

/** The sent message in the sending account's Gmail (authuser picks it when several are signed in). */
export const sentMailLink = (from: string | undefined, messageId: string) =>
  `https://mail.google.com/mail/u/0/${from ? `?authuser=${encodeURIComponent(from)}` : ''}#all/${encodeURIComponent(messageId)}`;

export const button = (
  o: ViewOptions,
  state: HomeState,
  action: HomeAction,
  text: string,
  extra: Partial<{ style: 'primary' | 'danger'; connection: HomeConnection; confirm: object }> = {},
) => ({
  type: 'button' as const,
  action_id: ACTION_IDS[action],
  text: { type: 'plain_text' as const, text },
  value: o.sign({
    teamId: state.teamId,
    userId: state.userId,
    action,
    ...(extra.connection
      ? { connectionId: extra.connection.id, connectedAt: extra.connection.connectedAt.getTime() }
      : {}),
  }),
  ...(extra.style ? { style: extra.style } : {}),
  ...(extra.confirm ? { confirm: extra.confirm } : {}),
});

export const section = (text: string, accessory?: object): KnownBlock =>
  ({ type: 'section', text: { type: 'mrkdwn', text }, ...(accessory ? { accessory } : {}) }) as KnownBlock;
