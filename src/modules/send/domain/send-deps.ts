import type { Clock } from '../../../shared/clock';
import type { GoogleFailure } from '../../../shared/google-errors';
import type { Connection } from '../../connect/connection-store';
import type { EventLog, RecordDecision } from './decisions';
import type { Draft, DraftContent, DraftStore, Outcome, SentLookup } from './types';

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
  accessTokens: {
    forConnection(id: string): Promise<{ accessToken: string; connection: Connection }>;
    forget(id: string): void;
  };
  gmail: {
    send(accessToken: string, raw: string): Promise<{ id: string }>;
    /** The Gmail id of the sent message carrying this Message-ID, if Gmail lists one. */
    findSent(
      accessToken: string,
      messageIdHeader: string,
      how: SentLookup,
      attemptedAt: Date,
    ): Promise<string | undefined>;
  };
  classify(err: unknown): GoogleFailure;
  openContent(draft: Draft): DraftContent;
  /** Replaces the preview with the outcome; best effort. */
  tell(draft: Draft, outcome: Outcome): Promise<void>;
  record: RecordDecision;
  log: EventLog;
  settings: SendSettings;
}

/** `later`: run this job again after the delay (a retry proven safe, or another look at Sent). */
export type SendStep = { kind: 'done' } | { kind: 'later'; delayMs: number };

export type Token = { accessToken: string; connection: Connection };

/** A search where the grant allows one; else the newest SENT headers where it can read them. */
export function sentLookupFor(token: Token | undefined, s: SendSettings): SentLookup | undefined {
  const has = (scopes: readonly string[]) => token?.connection.scopes.some((sc) => scopes.includes(sc));
  if (has(s.searchScopes)) return 'search';
  return has(s.listScopes) ? 'list' : undefined;
}
