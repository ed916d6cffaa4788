/** What a failed call to Google proves about the request, free of any SDK type (domain code may use it). */
export type GoogleFailureKind =
  | 'invalid_grant'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'not_found'
  | 'bad_request'
  | 'server'
  | 'timeout'
  | 'network';

/** A classified failure: the kind decides what the caller may conclude and whether it may retry. */
export interface GoogleFailure {
  kind: GoogleFailureKind;
  status?: number;
  reason?: string;
  retryAfterMs?: number;
  message: string;
}
