import type { Clock } from '../../../shared/clock';
import { isAppError } from '../../../shared/errors';
import { READ_SCOPES } from '../../../shared/google-scopes';
import type { AccessTokens } from './access-tokens';
import { connectErrors } from './errors';
import type { ConnectionStore, MailboxSummaries } from './ports';
import type { Connection, MailboxSummary } from './types';

export type WatchHealth =
  | { kind: 'lapsed'; reason: string | null; lastNotifiedAt: Date | null }
  | { kind: 'healthy'; until: Date; note: string | null; lastNotifiedAt: Date | null };

export type StatusReport =
  | { kind: 'not_connected' }
  | { kind: 'invalid'; email: string }
  | {
      kind: 'connected';
      email: string;
      since: Date;
      scopes: string[];
      /** Off (and whether the grant already allows reading headers), or on with the watch's health. */
      notifications: { kind: 'off'; canRead: boolean } | WatchHealth;
    };

/** Why the grant could not be confirmed just now, with the failure's code for the log. */
export interface StatusProblem {
  kind: 'credentials_unreadable' | 'google_unreachable';
  code: string;
  connectionId: string;
}

export interface StatusCheck {
  report: StatusReport;
  problem?: StatusProblem;
}

/** What /ai-email-status reports about a connection and its mailbox at `now`. */
export function assessStatus(
  connection: Connection | undefined,
  mailbox: MailboxSummary | undefined,
  now: Date,
): StatusReport {
  if (!connection || connection.status === 'revoked') return { kind: 'not_connected' };
  if (connection.status === 'invalid') return { kind: 'invalid', email: connection.email };
  const base = {
    kind: 'connected',
    email: connection.email,
    since: connection.connectedAt,
    scopes: connection.scopes,
  } as const;
  if (!mailbox?.enabled) {
    const canRead = connection.scopes.some((s) => READ_SCOPES.includes(s));
    return { ...base, notifications: { kind: 'off', canRead } };
  }
  const { watchExpiresAt, state, stateReason, lastNotifiedAt } = mailbox;
  const lapsed = !watchExpiresAt || watchExpiresAt <= now || state === 'lapsed';
  return {
    ...base,
    notifications: lapsed
      ? { kind: 'lapsed', reason: stateReason, lastNotifiedAt }
      : { kind: 'healthy', until: watchExpiresAt, note: state !== 'ok' ? stateReason : null, lastNotifiedAt },
  };
}

/** What a failed token check says about the connection. */
function classify(err: unknown): 'invalid' | StatusProblem['kind'] {
  if (!connectErrors.is(err)) return 'google_unreachable';
  switch (err.code) {
    case 'connection_invalid':
      return 'invalid';
    case 'unknown_key_version':
    case 'sealed_data_tampered':
    case 'sealed_data_corrupt':
      return 'credentials_unreadable';
    default:
      return 'google_unreachable';
  }
}

export function createCheckStatus(deps: {
  connections: ConnectionStore;
  accessTokens: Pick<AccessTokens, 'forConnection'>;
  mailboxes: MailboxSummaries;
  clock: Clock;
}) {
  /** Status tells the truth about the grant: an access token is obtained (cached, or refreshed at Google). */
  return async function checkStatus(teamId: string, userId: string): Promise<StatusCheck> {
    let connection = await deps.connections.findByUser(teamId, userId);
    let problem: StatusProblem | undefined;
    if (connection?.status === 'active') {
      const checked = await deps.accessTokens.forConnection(connection.id).catch((err: unknown) => err);
      if (checked instanceof Error) {
        const kind = classify(checked);
        if (kind === 'invalid') connection = await deps.connections.findById(connection.id);
        else
          problem = {
            kind,
            code: isAppError(checked) ? checked.code : 'unknown',
            connectionId: connection.id,
          };
      }
    }
    const mailbox = connection ? await deps.mailboxes.find(connection.id) : undefined;
    return { report: assessStatus(connection, mailbox, deps.clock.now()), problem };
  };
}

export type CheckStatus = ReturnType<typeof createCheckStatus>;
