import { isAppError } from '../../../shared/errors';
import { READ_SCOPES } from '../../../shared/google-scopes';
import { failureOf, isConnectionGone, isNotifyError } from './failures';
import type { ConnectionView, NotifyBaseDeps } from './ports';
import type { Failure, MailboxRecord } from './types';

export interface ControlDeps extends NotifyBaseDeps {
  findConnection(teamId: string, userId: string): Promise<ConnectionView | undefined>;
  topicName: string;
  scheduleSync(mailboxId: string): Promise<void>;
}

export type EnableResult =
  | { kind: 'not_connected' }
  | { kind: 'connection_invalid'; email: string }
  | { kind: 'needs_grant'; email: string }
  | { kind: 'enabled'; email: string; watchExpiresAt: Date; alreadyOn: boolean }
  | { kind: 'failed'; email: string; failure: Failure };

export type DisableResult =
  { kind: 'not_connected' } | { kind: 'already_off' } | { kind: 'disabled'; email: string };

/** Turning notifications on and off (SPEC 6.5.1–2, 6.5.7), for commands and connection hooks alike. */
export function createMailboxControl(deps: ControlDeps) {
  const { mailboxes, clock, log } = deps;

  /** users.stop is a courtesy to Gmail: notifications are already off whatever it answers. */
  async function stopWatch(connectionId: string): Promise<void> {
    try {
      await (await deps.openGmail(connectionId)).stop();
    } catch (err) {
      log.warn({ connectionId, code: isAppError(err) ? err.code : 'unknown' }, 'users.stop failed; ignored');
    }
  }

  async function enableConnection(connection: ConnectionView): Promise<EnableResult> {
    const { email } = connection;
    if (connection.status === 'revoked') return { kind: 'not_connected' };
    if (connection.status === 'invalid') return { kind: 'connection_invalid', email };
    // Reading headers needs one of the read scopes.
    if (!connection.scopes.some((s) => READ_SCOPES.includes(s))) return { kind: 'needs_grant', email };
    const existing = await mailboxes.findByConnection(connection.id);
    let watch: { historyId: string; expiration: Date };
    try {
      watch = await (await deps.openGmail(connection.id)).watch(deps.topicName);
    } catch (err) {
      if (isConnectionGone(err)) return { kind: 'connection_invalid', email };
      if (isNotifyError(err, 'gmail_forbidden')) return { kind: 'needs_grant', email };
      log.warn(
        { connectionId: connection.id, code: isAppError(err) ? err.code : 'unknown' },
        'users.watch failed',
      );
      return { kind: 'failed', email, failure: failureOf(err) };
    }
    // Mail that arrived while notifications were off (or for another account) is not announced.
    const alreadyOn = existing?.enabled === true && existing.email === email && existing.historyId !== null;
    const mailbox = await mailboxes.enable({
      connection,
      historyId: BigInt(watch.historyId),
      watchExpiresAt: watch.expiration,
      now: clock.now(),
      resetCursor: !alreadyOn,
    });
    // A push sent between users.watch and the row turning on was dropped as "disabled": look once.
    await deps.scheduleSync(mailbox.id);
    return { kind: 'enabled', email, watchExpiresAt: watch.expiration, alreadyOn };
  }

  return {
    enableConnection,
    async enable(teamId: string, userId: string): Promise<EnableResult> {
      const connection = await deps.findConnection(teamId, userId);
      return connection ? enableConnection(connection) : { kind: 'not_connected' };
    },

    async disable(teamId: string, userId: string): Promise<DisableResult> {
      const connection = await deps.findConnection(teamId, userId);
      if (!connection) return { kind: 'not_connected' };
      const before = await mailboxes.disable(connection.id, 'ok', { kind: 'turned_off' });
      if (!before?.wasEnabled) return { kind: 'already_off' };
      await stopWatch(connection.id);
      return { kind: 'disabled', email: before.email };
    },

    /** Disconnect or replaced account: the grant still works, so the watch is stopped too. */
    async connectionEnded(connectionId: string): Promise<void> {
      const before = await mailboxes.disable(connectionId, 'ok', { kind: 'disconnected' });
      if (before?.wasEnabled) await stopWatch(connectionId);
    },

    /** invalid_grant: no token is left to call users.stop with; the watch lapses by itself. */
    async connectionInvalid(connectionId: string): Promise<void> {
      await mailboxes.disable(connectionId, 'error', { kind: 'grant_invalid' });
    },

    async mailboxOf(
      teamId: string,
      userId: string,
    ): Promise<{ connection?: ConnectionView; mailbox?: MailboxRecord }> {
      const connection = await deps.findConnection(teamId, userId);
      const mailbox = connection ? await mailboxes.findByConnection(connection.id) : undefined;
      return { connection, mailbox };
    },
  };
}

export type MailboxControl = ReturnType<typeof createMailboxControl>;
