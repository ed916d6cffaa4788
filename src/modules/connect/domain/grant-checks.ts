import { AppError, isAppError } from '../../../shared/errors';
import type { Sealer } from '../../../shared/crypto';
import type { PairingPurpose } from '../pairing-store';
import { tokenContext, type Connection } from '../connection-store';
import type { GoogleIdentity } from '../../../shared/google-oauth';
import { SCOPES } from '../../../shared/google-oauth';

/** The authorization code of Google's redirect, or why there is none. */
export function requireCode(q: { code?: string; error?: string }): string {
  if (q.error) {
    throw new AppError(
      q.error === 'access_denied' ? 'consent_denied' : 'google_error',
      q.error === 'access_denied' ? 'You did not allow access to Gmail.' : 'Google reported an error.',
      { httpStatus: 400 },
    );
  }
  if (!q.code)
    throw new AppError('code_missing', 'Google did not return an authorization code.', { httpStatus: 400 });
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
    throw new AppError('scope_missing_send', 'Permission to send email was not granted.', {
      httpStatus: 400,
    });
  }
  if (p.purpose !== 'notifications') return;
  if (!p.active || p.active.googleSub !== p.identity.sub) {
    throw new AppError(
      'account_mismatch',
      `Please choose the Google account already connected${p.active ? ` (${p.active.email})` : ''}.`,
      { httpStatus: 400 },
    );
  }
  if (!p.granted.includes(p.notifyScope)) {
    throw new AppError('scope_missing_notify', 'Permission to read new-mail headers was not granted.', {
      httpStatus: 400,
    });
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
