import type { Sealer } from '../../../shared/crypto';
import { isAppError } from '../../../shared/errors';
import { SCOPES } from '../../../shared/google-scopes';
import { connectErrors } from './errors';
import { tokenContext, type Connection, type GoogleIdentity, type PairingPurpose } from './types';

/** The authorization code of Google's redirect, or why there is none. */
export function requireCode(q: { code?: string; error?: string }): string {
  if (q.error === 'access_denied')
    throw connectErrors.fail('consent_denied', 'You did not allow access to Gmail.');
  if (q.error) throw connectErrors.fail('google_error', 'Google reported an error.');
  if (!q.code) throw connectErrors.fail('code_missing', 'Google did not return an authorization code.');
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
    throw connectErrors.fail('scope_missing_send', 'Permission to send email was not granted.');
  }
  if (p.purpose !== 'notifications') return;
  if (!p.active || p.active.googleSub !== p.identity.sub) {
    throw connectErrors.fail(
      'account_mismatch',
      `Please choose the Google account already connected${p.active ? ` (${p.active.email})` : ''}.`,
    );
  }
  if (!p.granted.includes(p.notifyScope)) {
    throw connectErrors.fail('scope_missing_notify', 'Permission to read new-mail headers was not granted.');
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
