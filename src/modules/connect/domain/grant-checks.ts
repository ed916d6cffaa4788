import type { Sealer } from '../../../shared/crypto';
import { isAppError } from '../../../shared/errors';
import { SCOPES } from '../../../shared/google-scopes';
import { connectErrors } from './errors';
import { tokenContext, type Connection, type GoogleIdentity, type PairingPurpose } from './types';

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
