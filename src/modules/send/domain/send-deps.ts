import type { Clock } from '../../../shared/clock';
import type { RecordDecision } from './decisions';
import type { SendFailure } from './send-failures';
import type { AccessTokens, DraftStore, EventLog, Gmail, Token } from './ports';
import type { Draft, DraftContent, Outcome, SentLookup } from './types';

export interface SendSettings {
  /** After this long an attempt can no longer be waiting for Gmail's answer anywhere. */
  inFlightMs: number;
  /** How long an ambiguous send is searched for in Sent before it is reported as unknown. */
  reconcileWindowMs: number;
  retryBaseMs: number;
  /** Attempts per draft, counted on the draft across every job, resume and restart. */
  maxAttempts: number;
  /** Scopes that allow the `rfc822msgid:` search. */
  searchScopes: readonly string[];
  /** Scopes that can list SENT and read its headers without a search (gmail.metadata and up). */
  listScopes: readonly string[];
}

export interface SendDeps {
  drafts: DraftStore;
  clock: Clock;
  accessTokens: AccessTokens;
  gmail: Pick<Gmail, 'send' | 'findSent'>;
  openContent(draft: Draft): DraftContent;
  /** The failure in the words the person and the assistant read (kept on the draft). */
  describe(failure: SendFailure): string;
  /** Replaces the preview with the outcome; best effort. */
  tell(draft: Draft, outcome: Outcome): Promise<void>;
  record: RecordDecision;
  log: EventLog;
  settings: SendSettings;
}

/** `later`: run this job again after the delay (a retry proven safe, or another look at Sent). */
export type SendStep = { kind: 'done' } | { kind: 'later'; delayMs: number };

/** A search where the grant allows one; else the newest SENT headers where it can read them. */
export function sentLookupFor(token: Token | undefined, s: SendSettings): SentLookup | undefined {
  const has = (scopes: readonly string[]) => token?.connection.scopes.some((sc) => scopes.includes(sc));
  if (has(s.searchScopes)) return 'search';
  return has(s.listScopes) ? 'list' : undefined;
}
