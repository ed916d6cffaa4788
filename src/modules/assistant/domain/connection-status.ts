import type { Clock } from '../../../shared/clock';
import { SCOPES } from '../../../shared/google-scopes';
import type { ConnectionStore, MailboxSummaries } from '../../connect/domain/ports';
import type { TriggerLookup } from '../../send/domain/ports';
import { refuseExternalAuthor, resolveSender } from '../../send/domain/resolve-sender';

/** What a grant lets Mailbridge do, in the words the assistant reads. */
const PERMISSION_OF_SCOPE: Record<string, string> = {
  [SCOPES.send]: 'send',
  [SCOPES.metadata]: 'read_headers',
  [SCOPES.readonly]: 'read',
  [SCOPES.modify]: 'modify',
  'https://mail.google.com/': 'full_access',
};

/** The author's connection as the assistant may see it: nothing beyond these fields. */
export type ConnectionStatusView =
  | { connected: false; status: 'not_connected' | 'connection_invalid' }
  | {
      connected: true;
      status: 'connected';
      email: string;
      permissions: string[];
      notifications: 'on' | 'off';
    };

export interface ConnectionStatusDeps {
  triggers: TriggerLookup;
  connections: Pick<ConnectionStore, 'findByUser'>;
  mailboxes: MailboxSummaries;
  clock: Clock;
  /** ALLOW_SLACK_CONNECT_TRIGGERS, as staging applies it. */
  allowExternalAuthors: boolean;
}

/**
 * Whether the author of a trigger message could have an email staged for them, so the assistant can suggest
 * /ai-email-connect instead of failing. The person is found exactly as send_email finds the sender (the one
 * human author of a recent recorded message), so the answer is only ever about the person who asked, and it
 * reads stored state only: no call to Google.
 */
export function createConnectionStatus(deps: ConnectionStatusDeps) {
  return async function connectionStatus(
    triggerTs: string,
    channelId?: string,
  ): Promise<ConnectionStatusView> {
    const trigger = resolveSender(
      await deps.triggers.findByTs(undefined, triggerTs, channelId),
      deps.clock.now(),
      channelId !== undefined,
    );
    refuseExternalAuthor(trigger, deps.allowExternalAuthors);
    const connection = await deps.connections.findByUser(trigger.teamId, trigger.userId!);
    if (!connection || connection.status === 'revoked') return { connected: false, status: 'not_connected' };
    if (connection.status === 'invalid') return { connected: false, status: 'connection_invalid' };
    const mailbox = await deps.mailboxes.find(connection.id);
    return {
      connected: true,
      status: 'connected',
      email: connection.email,
      permissions: connection.scopes.flatMap((s) => PERMISSION_OF_SCOPE[s] ?? []),
      notifications: mailbox?.enabled ? 'on' : 'off',
    };
  };
}

export type GetConnectionStatus = ReturnType<typeof createConnectionStatus>;
