import type { HomeAction } from './domain/types';

/** The action ids of the Home's buttons; `open_gmail` is a link, acknowledged and nothing more. */
export const ACTION_IDS: Record<HomeAction | 'open_gmail', string> = {
  connect: 'home_connect',
  disconnect: 'home_disconnect',
  notifications_on: 'home_notifications_on',
  notifications_off: 'home_notifications_off',
  open_gmail: 'home_open_gmail',
};
