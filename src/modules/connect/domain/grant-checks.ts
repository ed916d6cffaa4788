import type { Sealer } from '../../../shared/crypto';
import { isAppError } from '../../../shared/errors';
import { SCOPES } from '../../../shared/google-scopes';
import { connectErrors } from './errors';
import { tokenContext, type Connection, type GoogleIdentity, type PairingPurpose } from './types';
import type { AuditLog, ConnectionStore, Notices } from './ports';

/** The authorization code of Google's redirect, or why there is none. */
export function requireCode(q: { code?: string; error?: string }): string {
  if (q.error === 'access_denied') throw connectErrors.fail('consent_denied', 'consent denied at Google');
  if (q.error) throw connectErrors.fail('google_error', `Google redirected with error ${q.error}`);
  if (!q.code) throw connectErrors.fail('code_missing', 'redirect without an authorization code');
  return q.code;
}

/** The grant must carry what the purpose needs; a notifications grant must be the connected account's. */
export function requireScopes(p: {
  purpose: PairingPurpose;
  granted: readonly string[];
  notifyScope: string;
  active: Connection | undefined;
  identity: GoogleIdentity;
}): void {
  if (!p.granted.includes(SCOPES.send)) {
    throw connectErrors.fail('scope_missing_send', 'gmail.send not granted');
  }
  if (p.purpose !== 'notifications') return;
  if (!p.active || p.active.googleSub !== p.identity.sub) {
    // The page names the account to choose; without an active connection there is none to name.
    throw connectErrors.fail(
      'account_mismatch',
      'notifications granted by another account than the connected one',
      {
        details: p.active ? { email: p.active.email } : undefined,
      },
    );
  }
  if (!p.granted.includes(p.notifyScope)) {
    throw connectErrors.fail('scope_missing_notify', 'notification scope not granted');
  }
}

/** A replaced account's token, or nothing when it can no longer be read (it cannot be revoked then). */
export function openQuietly(sealer: Sealer, c: Connection): string | undefined {
  try {
    return sealer.openString(c.sealedToken!, tokenContext(c.teamId, c.userId));
  } catch (err) {
    if (isAppError(err)) return undefined;
    throw err;
  }
}

/** One Google account, one Slack person of a workspace, unless ALLOW_SHARED_MAILBOXES. */
export interface MailboxHolding {
  connections: Pick<ConnectionStore, 'otherActiveHolders' | 'upsertActiveAlone' | 'upsertActiveShared'>;
  notices: Notices;
  audit: AuditLog;
  allowSharedMailboxes?: boolean;
}

type Claimant = { teamId: string; userId: string };
type NewConnection = Parameters<ConnectionStore['upsertActive']>[0];

/** Each person already holding the account gets one DM: it was connected alongside them, or refused. */
async function tellHolders(
  deps: MailboxHolding,
  holders: Connection[],
  by: Claimant,
  email: string,
  shared: boolean,
) {
  for (const h of holders) {
    const notice = { kind: 'mailbox_claimed', email, by: by.userId, shared } as const;
    await deps.notices.tell(h.teamId, h.userId, notice).catch(() => undefined);
  }
}

/** Nothing is stored, and the new grant is not revoked: revoking it would end the holder's grant too. */
async function refuseTaken(
  deps: MailboxHolding,
  holders: Connection[],
  by: Claimant,
  email: string,
): Promise<never> {
  await tellHolders(deps, holders, by, email, false);
  await deps.audit.record({ ...by, kind: 'connect', result: 'refused', reason: 'mailbox_taken' });
  throw connectErrors.fail('mailbox_taken', 'Google account connected to another Slack person of the team', {
    details: { email },
  });
}

/** Before anything is stored: the account's other active holders in the team; refused unless sharing is allowed. */
export async function checkHolders(deps: MailboxHolding, by: Claimant, identity: GoogleIdentity) {
  const holders = await deps.connections.otherActiveHolders(by.teamId, identity.sub, by.userId);
  if (holders.length > 0 && !deps.allowSharedMailboxes) await refuseTaken(deps, holders, by, identity.email);
  return holders;
}

/** The write: alone under the account's lock (a parallel connect that got there first means a refusal), or shared. */
export async function storeConnection(deps: MailboxHolding, input: NewConnection) {
  if (deps.allowSharedMailboxes) {
    // The holders are read under the account's lock with the write: of two parallel first connects, the
    // second finds the first and tells them.
    const { connection, holders: others } = await deps.connections.upsertActiveShared(input);
    await tellHolders(deps, others, input, input.email, true);
    return connection;
  }
  const connection = await deps.connections.upsertActiveAlone(input);
  if (connection) return connection;
  const first = await deps.connections.otherActiveHolders(input.teamId, input.googleSub, input.userId);
  return refuseTaken(deps, first, input, input.email);
}
