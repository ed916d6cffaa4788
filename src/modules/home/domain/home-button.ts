import { hasStringClaims, signToken, verifySlackToken } from '../../../shared/crypto';
import type { HomeAction } from './types';

/** A purpose label of its own: a send button, pairing or OAuth state token never verifies here. */
const PURPOSE = 'home-button';
const ACTIONS: readonly string[] = [
  'connect',
  'disconnect',
  'notifications_on',
  'notifications_off',
] satisfies HomeAction[];

/** Slack caps a button's value at 2,000 characters. */
const MAX_TOKEN_LENGTH = 2000;

interface Claims {
  t: string; // team id
  u: string; // the Home's owner
  a: HomeAction;
  c?: string; // the connection the button acts on, when it names one
  g?: number; // when that connection was made (ms): a reconnect keeps the id, never this
}

export interface HomeButton {
  teamId: string;
  userId: string;
  action: HomeAction;
  connectionId?: string;
  /** With connectionId: when that connection was made, so a later connection of the person differs. */
  connectedAt?: number;
}

export function signHomeButton(key: string, b: HomeButton): string {
  const claims: Claims = {
    t: b.teamId,
    u: b.userId,
    a: b.action,
    ...(b.connectionId ? { c: b.connectionId } : {}),
    ...(b.connectionId && b.connectedAt !== undefined ? { g: b.connectedAt } : {}),
  };
  return signToken(key, PURPOSE, claims);
}

/** The button as it was signed, or undefined for anything forged, tampered or too long. */
export function verifyHomeButton(key: string, token: string): HomeButton | undefined {
  const c = verifySlackToken<Claims>(key, PURPOSE, token, MAX_TOKEN_LENGTH);
  if (
    !hasStringClaims(c, ['t', 'u', 'a']) ||
    !ACTIONS.includes(c.a) ||
    (c.c !== undefined && typeof c.c !== 'string') ||
    (c.g !== undefined && !Number.isSafeInteger(c.g))
  ) {
    return undefined;
  }
  return {
    teamId: c.t,
    userId: c.u,
    action: c.a as HomeAction,
    ...(c.c ? { connectionId: c.c } : {}),
    ...(c.c && c.g !== undefined ? { connectedAt: c.g } : {}),
  };
}
