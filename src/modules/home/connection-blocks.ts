import type { KnownBlock } from '../../shared/slack-messenger';
import { addressMrkdwn } from '../../shared/mrkdwn';
import type { HomeConnection, HomeMailbox, HomeState } from './domain/types';
import { button, section, slackDate, type ViewOptions } from './view-parts';

function permissions(c: HomeConnection): string {
  const can = [
    ...(c.canSend ? ['send the emails you confirm'] : []),
    ...(c.canRead ? ['read the sender and subject of new inbox mail for notifications'] : []),
  ];
  return can.length ? `Mailbridge may ${can.join(' and ')}.` : 'Mailbridge may not act on this mailbox yet.';
}

const DISCONNECT_CONFIRM = {
  title: { type: 'plain_text', text: 'Disconnect Gmail?' },
  text: {
    type: 'mrkdwn',
    text: 'Mailbridge forgets your Gmail access, cancels emails waiting for your Send and stops notifications.',
  },
  confirm: { type: 'plain_text', text: 'Disconnect' },
  deny: { type: 'plain_text', text: 'Keep connected' },
  style: 'danger',
};

function watchHealth(m: HomeMailbox): string {
  if (!m.enabled) return 'off';
  if (m.state === 'lapsed')
    return 'on, but the Gmail watch has lapsed: turn them off and on again to restart it';
  if (m.state === 'error') return 'on, but the last look at Gmail failed (Mailbridge tries again by itself)';
  return m.watchExpiresAt
    ? `on; the Gmail watch is healthy (runs until ${slackDate(m.watchExpiresAt)}, renewed automatically)`
    : 'on';
}

function notificationBlocks(state: HomeState, c: HomeConnection, o: ViewOptions): KnownBlock[] {
  const m = state.mailbox;
  const on = m?.enabled === true;
  const last = m?.lastNotifiedAt
    ? `Last notification: ${slackDate(m.lastNotifiedAt)}`
    : 'No notification yet.';
  const action = on ? 'notifications_off' : 'notifications_on';
  return [
    section(
      `*New-mail notifications:* ${m ? watchHealth(m) : 'off'}\n${last}`,
      button(o, state, action, on ? 'Turn off' : 'Turn on', { connection: c }),
    ),
  ];
}

/** The connection and its notifications, or a Connect button when there is none to use. */
export function connectionBlocks(state: HomeState, o: ViewOptions): KnownBlock[] {
  const c = state.connection;
  const connect = button(o, state, 'connect', 'Connect Gmail', { style: 'primary' });
  if (!c) {
    return [
      section(
        '*Gmail is not connected.* Connect your Gmail so the assistant can prepare emails you confirm before they are sent.',
        connect,
      ),
    ];
  }
  if (c.status === 'invalid') {
    return [
      section(
        `*Google no longer accepts the connection of ${addressMrkdwn(c.email)}.* Connect again to keep using Mailbridge.`,
        connect,
      ),
    ];
  }
  const disconnect = button(o, state, 'disconnect', 'Disconnect', {
    style: 'danger',
    connection: c,
    confirm: DISCONNECT_CONFIRM,
  });
  return [
    section(
      `*Gmail:* ${addressMrkdwn(c.email)}\nConnected since ${slackDate(c.connectedAt)}\n${permissions(c)}`,
      disconnect,
    ),
    ...notificationBlocks(state, c, o),
  ];
}
