/** One OAuth attempt: its state token, its PKCE verifier and the browser it is bound to. */
import { createHash } from 'node:crypto';
import { AppError } from '../../../shared/errors';
import { hmac, hmacHex, safeEqual, verifyToken } from '../../../shared/crypto';
import type { OAuthAttempt, PairingPurpose, PairingRepo } from '../pairing-store';
import { SCOPES } from '../../../shared/google-oauth';

export const ATTEMPT_TTL_MS = 10 * 60_000;
export const STATE_PURPOSE = 'oauth-state';

/** The verifier is derived from the attempt, so nothing secret is stored for PKCE. */
export const codeVerifier = (key: string, attemptId: string) =>
  hmac(key, 'pkce-verifier', attemptId).toString('base64url');
export const codeChallenge = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');
export const browserHash = (key: string, browserSecret: string) =>
  hmacHex(key, 'oauth-browser', browserSecret);

export const scopesFor = (purpose: PairingPurpose, notifyScope: string) =>
  purpose === 'notifications'
    ? [SCOPES.send, 'openid', 'email', notifyScope]
    : [SCOPES.send, 'openid', 'email'];

/**
 * Checks Google's redirect against the attempt it names (signed state, not expired, same browser) and
 * marks the attempt used, so a state is good for one callback only.
 */
export async function claimAttempt(
  pairings: PairingRepo,
  key: string,
  state: string | undefined,
  browserSecretFor: (attemptId: string) => string | undefined,
  now: Date,
): Promise<OAuthAttempt> {
  const payload = state ? verifyToken<{ a: string; e: number }>(key, STATE_PURPOSE, state) : undefined;
  if (!payload || typeof payload.a !== 'string' || typeof payload.e !== 'number') {
    throw new AppError('state_invalid', 'This sign-in link is not valid.', { httpStatus: 400 });
  }
  if (payload.e <= now.getTime())
    throw new AppError('state_expired', 'This sign-in took too long and expired.', { httpStatus: 400 });
  const attempt = await pairings.findAttempt(payload.a);
  if (!attempt) throw new AppError('state_invalid', 'This sign-in link is not valid.', { httpStatus: 400 });
  if (attempt.usedAt) {
    throw new AppError('state_used', 'This sign-in link was already used or has expired.', {
      httpStatus: 400,
    });
  }
  const browserSecret = browserSecretFor(attempt.id);
  if (!browserSecret || !safeEqual(browserHash(key, browserSecret), attempt.browserHash)) {
    throw new AppError('browser_mismatch', 'This sign-in was started in a different browser.', {
      httpStatus: 400,
    });
  }
  if (!(await pairings.consumeAttempt(attempt.id, now))) {
    throw new AppError('state_used', 'This sign-in link was already used or has expired.', {
      httpStatus: 400,
    });
  }
  return attempt;
}
