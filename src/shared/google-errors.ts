import type { GoogleFailure } from './google-failure';

export type { GoogleFailure, GoogleFailureKind } from './google-failure';

interface GaxiosLike {
  status?: number;
  code?: string | number;
  name?: string;
  message?: string;
  response?: {
    status?: number;
    data?: unknown;
    headers?: { get?: (n: string) => string | null } | Record<string, string>;
  };
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  const h = headers as { get?: (n: string) => string | null } & Record<string, string>;
  if (typeof h.get === 'function') return h.get(name) ?? undefined;
  return h[name] ?? h[name.toLowerCase()];
}

/**
 * Plain substring checks, not a regular expression: an error message may echo outside input, and a
 * pattern such as `UND_ERR_.*TIMEOUT` backtracks quadratically on a long run of `UND_ERR_`.
 * undici's timeout codes (UND_ERR_CONNECT_TIMEOUT, UND_ERR_HEADERS_TIMEOUT, ...) all contain "timeout".
 */
function looksTimedOut(text: string): boolean {
  const t = text.toLowerCase();
  return t.includes('timeout') || t.includes('aborted') || t.includes('etimedout');
}

/** Maps any error thrown by google-auth-library or googleapis to what it proves about the request. */
export function classifyGoogleError(err: unknown): GoogleFailure {
  const e = (err ?? {}) as GaxiosLike;
  const status = e.response?.status ?? (typeof e.status === 'number' ? e.status : undefined);
  const data = e.response?.data as
    | {
        error?: string | { message?: string; status?: string; errors?: Array<{ reason?: string }> };
        error_description?: string;
      }
    | undefined;
  const oauthError = typeof data?.error === 'string' ? data.error : undefined;
  const reason =
    oauthError ??
    (typeof data?.error === 'object' ? (data.error.errors?.[0]?.reason ?? data.error.status) : undefined);
  const retryAfter = Number(headerValue(e.response?.headers, 'retry-after'));
  const retryAfterMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined;
  const message = e.message ?? 'Google request failed';
  if (oauthError === 'invalid_grant') return { kind: 'invalid_grant', status, reason, message };
  if (status === undefined) {
    // A DOMException (the abort signal's TimeoutError) has a legacy numeric code: its name says more.
    const code = typeof e.code === 'number' ? (e.name ?? String(e.code)) : (e.code ?? '');
    const timedOut = looksTimedOut(`${code} ${e.name ?? ''} ${message}`);
    return { kind: timedOut ? 'timeout' : 'network', reason: code || undefined, message };
  }
  if (status === 401) return { kind: 'unauthorized', status, reason, message };
  if (status === 429 || reason === 'rateLimitExceeded' || reason === 'userRateLimitExceeded')
    return { kind: 'rate_limited', status, reason, retryAfterMs, message };
  if (status === 403) return { kind: 'forbidden', status, reason, message };
  if (status === 404) return { kind: 'not_found', status, reason, message };
  if (status >= 500) return { kind: 'server', status, reason, retryAfterMs, message };
  return { kind: 'bad_request', status, reason, message };
}

/** Transient failures worth retrying with backoff; the rest are permanent for this request. */
export const isTransient = (f: GoogleFailure) =>
  f.kind === 'rate_limited' || f.kind === 'server' || f.kind === 'timeout' || f.kind === 'network';
