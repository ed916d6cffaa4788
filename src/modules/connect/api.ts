import type { SlackMessage } from '../../shared/slack-messenger';
import type { ConnectionReactions } from './connection-events';
import type { AccessTokens } from './domain/access-tokens';
import type { ConnectionStore, MailboxSummaries } from './domain/ports';
import type { Connection, PairingPurpose } from './domain/types';

/** What the other modules use of a connection. */
export interface ConnectModule {
  /** Read-only: a connection changes only through connect's own use cases, which emit the change. */
  connections: Pick<ConnectionStore, 'findByUser'>;
  accessTokens: AccessTokens;
  /** The notification state of a connection's mailbox, read-only, as the status answer shows it. */
  mailboxes: MailboxSummaries;
  /** The connect (or notifications) prompt with a fresh pairing link and code. */
  prompt(teamId: string, userId: string, purpose: PairingPurpose): Promise<SlackMessage>;
  /** Tells the person, once, that Google no longer accepts their connection. */
  tellInvalid(connection: Connection): Promise<void>;
  /** Disconnects as `/ai-email-disconnect` does, answered with the command's reply. */
  disconnect(teamId: string, userId: string): Promise<SlackMessage>;
  react(reactions: ConnectionReactions): void;
  /** Deletes pairings (and their OAuth attempts) that expired before `before`; how many went. */
  purgeExpiredPairings(before: Date): Promise<number>;
}
