import { signToken, verifyToken } from '../../../shared/crypto';

export type ButtonAction = 'send' | 'cancel';

/** A purpose label of its own: a pairing or OAuth state token never verifies as a button. */
const PURPOSE = 'send-email-button';

interface ButtonClaims {
  d: string; // draft id
  u: string; // owner (Slack user id)
  t: string; // team id
  a: ButtonAction;
  e: number; // expiry, epoch seconds
}

export interface ButtonValue {
  draftId: string;
  userId: string;
  teamId: string;
  action: ButtonAction;
  expiresAt: Date;
}

export function signButton(key: string, v: ButtonValue): string {
  const claims: ButtonClaims = {
    d: v.draftId,
    u: v.userId,
    t: v.teamId,
    a: v.action,
    e: Math.ceil(v.expiresAt.getTime() / 1000),
  };
  return signToken(key, PURPOSE, claims);
}

export type ButtonCheck =
  { ok: true; value: ButtonValue; expired: boolean } | { ok: false; reason: 'invalid' | 'wrong_action' };

/** Slack caps a button's value at 2,000 characters; ours are base64url body "." base64url MAC. */
const MAX_TOKEN_LENGTH = 2000;

/** The signature and the action it was made for; expiry is reported, not refused, so the caller can say so. */
export function verifyButton(key: string, token: string, action: ButtonAction, now: Date): ButtonCheck {
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'invalid' };
  const claims = verifyToken<Partial<ButtonClaims>>(key, PURPOSE, token);
  if (
    !claims ||
    typeof claims.d !== 'string' ||
    typeof claims.u !== 'string' ||
    typeof claims.t !== 'string' ||
    typeof claims.e !== 'number' ||
    (claims.a !== 'send' && claims.a !== 'cancel')
  ) {
    return { ok: false, reason: 'invalid' };
  }
  if (claims.a !== action) return { ok: false, reason: 'wrong_action' };
  const expiresAt = new Date(claims.e * 1000);
  return {
    ok: true,
    value: { draftId: claims.d, userId: claims.u, teamId: claims.t, action: claims.a, expiresAt },
    expired: expiresAt.getTime() <= now.getTime(),
  };
}
