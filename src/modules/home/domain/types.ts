/** What App Home shows of the connection. */
export interface HomeConnection {
  id: string;
  email: string;
  status: 'active' | 'invalid' | 'revoked';
  connectedAt: Date;
  /** What the grant lets Mailbridge do, as capabilities rather than scope URLs. */
  canSend: boolean;
  canRead: boolean;
}

/** The notification state of the connected mailbox. */
export interface HomeMailbox {
  enabled: boolean;
  state: string;
  watchExpiresAt: Date | null;
  lastNotifiedAt: Date | null;
}

export type HomeEmailStatus =
  'pending_confirmation' | 'sending' | 'sent' | 'cancelled' | 'expired' | 'failed' | 'outcome_unknown';

/** One email the person staged through Mailbridge; recipients and subject are absent once purged. */
export interface HomeEmail {
  id: string;
  status: HomeEmailStatus;
  createdAt: Date;
  sentAt: Date | null;
  recipients?: string[];
  subject?: string;
  /** The address it was sent from (opens the right account's Gmail). */
  from?: string;
  gmailMessageId: string | null;
}

/** Everything the person's Home shows, read at publish time. */
export interface HomeState {
  teamId: string;
  userId: string;
  connection?: HomeConnection;
  mailbox?: HomeMailbox;
  /** Lines summarising the notification rules, in the rules' own words; absent without rules support. */
  rules?: string[];
  emails: HomeEmail[];
}

/** The buttons of the Home that act. */
export type HomeAction = 'connect' | 'disconnect' | 'notifications_on' | 'notifications_off';
