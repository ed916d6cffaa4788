import { gmailError, type Incoming, type Reply } from './http';
import type { Mailbox } from './mailbox';
import { SCOPE_PREFIX, type OAuthStore } from './oauth-store';
import type { GoogleEmulator } from './types';

const scopes = (...names: string[]) => [...names.map((n) => SCOPE_PREFIX + n), 'https://mail.google.com/'];
export const SEND = scopes('gmail.send', 'gmail.compose', 'gmail.modify');
export const READ = scopes('gmail.readonly', 'gmail.modify', 'gmail.metadata');
export const PROFILE = scopes('gmail.readonly', 'gmail.modify', 'gmail.metadata', 'gmail.compose');
/** Scopes that see bodies and may search; gmail.metadata alone sees headers only. */
const FULL_READ = scopes('gmail.readonly', 'gmail.modify');

export interface GmailContext {
  store: OAuthStore;
  mailbox: (email: string) => Mailbox | undefined;
  records: Pick<GoogleEmulator, 'watchCalls' | 'watchCallTimes' | 'stopCalls'>;
  /** Current lag between a send and its message showing up in messages.list. */
  sentListingDelayMs: () => number;
}

interface Caller {
  mailbox: Mailbox;
  metadataOnly: boolean;
}

/** Bearer access token → the caller's mailbox, or the 401/403 Gmail would answer. */
export function authenticate(
  ctx: GmailContext,
  req: Incoming,
  userId: string,
  allowed: string[],
): Caller | Reply {
  const bearer = /^Bearer (.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
  const challenge = (error: string) => ({
    'www-authenticate': `Bearer realm="https://accounts.google.com/", error="${error}"`,
  });
  if (!bearer) {
    return gmailError(
      401,
      'Request is missing required authentication credential. Expected OAuth 2 access token.',
      'required',
      challenge('invalid_request'),
    );
  }
  const token = ctx.store.accessToken(bearer);
  if (typeof token === 'string')
    return gmailError(
      401,
      'Request had invalid authentication credentials.',
      'authError',
      challenge('invalid_token'),
    );
  const mailbox = ctx.mailbox(token.email);
  if (!mailbox) return gmailError(400, 'Mail service not enabled', 'failedPrecondition');
  if (userId !== 'me' && userId.toLowerCase() !== token.email.toLowerCase())
    return gmailError(403, `Delegation denied for ${token.email}`, 'forbidden');
  if (!token.scopes.some((s) => allowed.includes(s))) {
    return gmailError(
      403,
      'Request had insufficient authentication scopes.',
      'insufficientPermissions',
      challenge('insufficient_scope'),
    );
  }
  return { mailbox, metadataOnly: !token.scopes.some((s) => FULL_READ.includes(s)) };
}

export const isReply = (x: Caller | Reply): x is Reply => 'status' in x;
