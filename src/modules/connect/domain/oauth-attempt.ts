/** One OAuth attempt: its state token, its PKCE verifier and the browser it is bound to. */
import { createHash } from 'node:crypto';
import { hmac, hmacHex, safeEqual, verifyToken } from '../../../shared/crypto';
import { SCOPES } from '../../../shared/google-scopes';
import { connectErrors } from './errors';
import type { PairingStore } from './ports';
import type { OAuthAttempt, PairingPurpose } from './types';

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

const stateInvalid = () => connectErrors.fail('state_invalid', 'state not valid or unknown attempt');
const stateUsed = () => connectErrors.fail('state_used', 'attempt already used');

/**
 * Checks Google's redirect against the attempt it names (signed state, not expired, same browser) and
 * marks the attempt used, so a state is good for one callback only.
 */
export async function claimAttempt(
  pairings: PairingStore,
  key: string,
  state: string | undefined,
  browserSecretFor: (attemptId: string) => string | undefined,
  now: Date,
): Promise<OAuthAttempt> {
  const payload = state ? verifyToken<{ a: string; e: number }>(key, STATE_PURPOSE, state) : undefined;
  if (!payload || typeof payload.a !== 'string' || typeof payload.e !== 'number') throw stateInvalid();
  if (payload.e <= now.getTime()) throw connectErrors.fail('state_expired', 'state expired');
  const attempt = await pairings.findAttempt(payload.a);
  if (!attempt) throw stateInvalid();
  if (attempt.usedAt) throw stateUsed();
  const browserSecret = browserSecretFor(attempt.id);
  if (!browserSecret || !safeEqual(browserHash(key, browserSecret), attempt.browserHash)) {
    throw connectErrors.fail('browser_mismatch', 'browser secret missing or not the attempt’s');
  }
  if (!(await pairings.consumeAttempt(attempt.id, now))) throw stateUsed();
  return attempt;
}
