import type { KnownBlock } from '../../shared/slack-messenger';
import { codeMrkdwn, escapeMrkdwn, listWithin } from '../../shared/mrkdwn';
import type { HomeEmail, HomeEmailStatus, HomeState } from './domain/types';
import { ACTION_IDS } from './action-ids';
import { section, sentMailLink, slackDate, type ViewOptions } from './view-parts';
import { connectionBlocks } from './connection-blocks';

/** Slack's limit on a Home view's blocks. */
export const HOME_BLOCK_LIMIT = 100;

export interface HomeView {
  type: 'home';
  /** Names the view in the payloads of its clicks. */
  callback_id: string;
  blocks: KnownBlock[];
}

const STATUS_WORDS: Record<HomeEmailStatus, string> = {
  pending_confirmation: 'waiting for your Send',
  sending: 'sending',
  sent: 'sent',
  cancelled: 'cancelled',
  expired: 'expired',
  failed: 'failed',
  outcome_unknown: 'outcome unknown',
};

function rulesBlocks(state: HomeState, o: ViewOptions): KnownBlock[] {
  if (!state.rules || !state.connection) return [];
  // The rules' own words, escaped here all the same: a sender or domain in them was typed by the person.
  const lines = state.rules.map((l) => escapeMrkdwn(l, 300, { singleLine: true }));
  // At most 8 lines of at most 300 characters: well within a section's 3,000.
  const text = `*Notification rules*\n${lines.slice(0, 8).join('\n')}`;
  return [
    {
      type: 'section',
      text: { type: 'mrkdwn', text },
      ...(o.rulesButton
        ? {
            accessory: {
              type: 'button',
              text: { type: 'plain_text', text: 'Edit rules' },
              ...o.rulesButton(state.teamId, state.userId),
            },
          }
        : {}),
    } as KnownBlock,
  ];
}

function emailBlock(e: HomeEmail): KnownBlock {
  const when = slackDate(e.sentAt ?? e.createdAt);
  const to = e.recipients
    ? // Addresses validated at staging (at most 254 characters), shown exactly as inline code as the
      // preview shows them; one holding a backtick cannot be code and gets look-alikes instead.
      listWithin(e.recipients.map(codeMrkdwn), 300)
    : '_content removed_';
  const subject =
    e.subject === undefined
      ? ''
      : escapeMrkdwn(e.subject.trim() || '(no subject)', 200, { singleLine: true });
  const text = `${when} · *${STATUS_WORDS[e.status] ?? escapeMrkdwn(e.status)}* · to ${to}${subject ? `\n${subject}` : ''}`;
  const link =
    e.status === 'sent' && e.gmailMessageId
      ? {
          accessory: {
            type: 'button',
            action_id: ACTION_IDS.open_gmail,
            text: { type: 'plain_text', text: 'Open in Gmail' },
            url: sentMailLink(e.from, e.gmailMessageId),
          },
        }
      : {};
  return { type: 'section', text: { type: 'mrkdwn', text }, ...link } as KnownBlock;
}

function emailBlocks(state: HomeState, room: number): KnownBlock[] {
  const header = section('*Recent emails sent through Mailbridge*');
  if (state.emails.length === 0) {
    return [header, { type: 'context', elements: [{ type: 'mrkdwn', text: 'No emails yet.' }] }];
  }
  return [header, ...state.emails.slice(0, Math.max(0, room - 1)).map(emailBlock)];
}

/** The person's App Home: connection, notifications, rules, recent emails; within Slack's limits. */
export function homeView(state: HomeState, o: ViewOptions): HomeView {
  const top: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Mailbridge' } },
    ...connectionBlocks(state, o),
    ...rulesBlocks(state, o),
    { type: 'divider' },
  ];
  return {
    type: 'home',
    callback_id: 'mailbridge_home',
    blocks: [...top, ...emailBlocks(state, HOME_BLOCK_LIMIT - top.length)],
  };
}
