import { request } from 'undici';

/** One GET of the signed-in account's Gmail API (`users/me/<path>`), its JSON answer. */
export type GmailGet = (path: string, query: URLSearchParams) => Promise<unknown>;

/**
 * The reads every sync makes (history.list, messages.get) through undici's `request` on its pooled
 * keep-alive connections, rather than googleapis' request pipeline (gaxios over `fetch`), which cost
 * several times more CPU per call. A failure carries what `classifyGoogleError` reads: the HTTP
 * status, the parsed error body and the headers (Retry-After); network errors and the timeout are
 * undici's and the abort signal's own.
 */
export function createGmailReads(p: { apiUrl: string; timeoutMs: number }) {
  return (accessToken: string): GmailGet =>
    async (path, query) => {
      const url = new URL(`gmail/v1/users/me/${path}?${query.toString()}`, p.apiUrl);
      const res = await request(url, {
        method: 'GET',
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
        signal: AbortSignal.timeout(p.timeoutMs),
      });
      const text = await res.body.text();
      let data: unknown = text;
      try {
        data = text ? JSON.parse(text) : undefined;
      } catch {
        // Not JSON: kept as text for the error below, or refused as a bad answer.
      }
      if (res.statusCode >= 400 || typeof data !== 'object' || data === null) {
        const status = res.statusCode >= 400 ? res.statusCode : 502;
        throw Object.assign(new Error(`Gmail answered ${res.statusCode} to ${path}`), {
          status,
          response: { status, data, headers: res.headers },
        });
      }
      return data;
    };
}

export type GmailReads = ReturnType<typeof createGmailReads>;
