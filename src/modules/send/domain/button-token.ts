import { hasStringClaims, signToken, verifySlackToken } from '../../../shared/crypto';

/** `view` opens the full-email modal; `review_send` is that modal's Send (never a message button). */
export type ButtonAction = 'send' | 'cancel' | 'edit' | 'view' | 'review_send';
const ACTIONS: readonly string[] = ['send', 'cancel', 'edit', 'view', 'review_send'] satisfies ButtonAction[];

/** A purpose label of its own: a pairing or OAuth state token never verifies as a button. */
const PURPOSE = 'send-email-button';

interface ButtonClaims {
  d: string; // draft id
  u: string; // owner (Slack user id)
  t: string; // team id
  a: ButtonAction;
  e: number; // expiry, epoch seconds
  v?: number; // the content version the button was shown with (absent in tokens made before versions: 1)
}

export interface ButtonValue {
  draftId: string;
  userId: string;
  teamId: string;
  action: ButtonAction;
  expiresAt: Date;
  /** The version of the content the button was shown with: a Send claims only that version. */
  version: number;
}

export function signButton(key: string, v: ButtonValue): string {
  const claims: ButtonClaims = {
    d: v.draftId,
    u: v.userId,
    t: v.teamId,
    a: v.action,
    e: Math.ceil(v.expiresAt.getTime() / 1000),
    v: v.version,
  };
  return signToken(key, PURPOSE, claims);
}

export type ButtonCheck =
  { ok: true; value: ButtonValue; expired: boolean } | { ok: false; reason: 'invalid' | 'wrong_action' };

/** Slack caps a button's value at 2,000 characters; ours are base64url body "." base64url MAC. */
const MAX_TOKEN_LENGTH = 2000;

/** The signature and the action it was made for; expiry is reported, not refused, so the caller can say so. */
export function verifyButton(key: string, token: string, action: ButtonAction, now: Date): ButtonCheck {
  const claims = verifySlackToken<ButtonClaims>(key, PURPOSE, token, MAX_TOKEN_LENGTH);
  if (
    !hasStringClaims(claims, ['d', 'u', 't', 'a']) ||
    typeof claims.e !== 'number' ||
    !ACTIONS.includes(claims.a) ||
    (claims.v !== undefined && (!Number.isSafeInteger(claims.v) || claims.v < 1))
  ) {
    return { ok: false, reason: 'invalid' };
  }
  if (claims.a !== action) return { ok: false, reason: 'wrong_action' };
  const expiresAt = new Date(claims.e * 1000);
  return {
    ok: true,
    value: {
      draftId: claims.d,
      userId: claims.u,
      teamId: claims.t,
      action: claims.a as ButtonAction,
      expiresAt,
      version: claims.v ?? 1,
    },
    expired: expiresAt.getTime() <= now.getTime(),
  };
}
