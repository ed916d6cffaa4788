import type * as Undici from 'undici';

/** undici (some 85 ms of require time) is loaded by the first read, not at start-up. */
let undici: typeof Undici | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadUndici = (): typeof Undici => (undici ??= require('undici') as typeof Undici);

/** One GET of the signed-in account's Gmail API (`users/me/<path>`), its JSON answer. */
export type GmailGet = (path: string, query: URLSearchParams) => Promise<unknown>;

/** The largest answer read: a history page of 500 entries or a message's headers is far smaller. */
export const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/** A failure `classifyGoogleError` reads as Google's server failing (502): a bad or oversized answer. */
const badAnswer = (message: string, data?: unknown, headers?: unknown) =>
  Object.assign(new Error(message), { status: 502, response: { status: 502, data, headers } });

/**
 * The reads every sync makes (history.list, messages.get) through undici's `request` on its pooled
 * keep-alive connections, rather than googleapis' request pipeline (gaxios over `fetch`), which cost
 * several times more CPU per call. A failure carries what `classifyGoogleError` reads: the HTTP
 * status, the parsed error body and the headers (Retry-After); network errors and the timeout are
 * undici's and the abort signal's own. An answer over `maxBytes` is refused unread by its
 * Content-Length, or by undici's own count of the bytes received (`maxResponseSize`, which drops
 * the connection), so a broken or hostile server cannot fill the memory.
 */
export function createGmailReads(p: { apiUrl: string; timeoutMs: number; maxBytes?: number }) {
  const maxBytes = p.maxBytes ?? MAX_ANSWER_BYTES;
  let dispatcher: Undici.Agent | undefined;
  const tooLarge = (path: string) => badAnswer(`Gmail's answer to ${path} is over ${maxBytes} bytes`);
  return (accessToken: string): GmailGet =>
    async (path, query) => {
      const url = new URL(`gmail/v1/users/me/${path}?${query.toString()}`, p.apiUrl);
      let statusCode: number;
      let headers: unknown;
      let text: string;
      try {
        const { Agent, request } = loadUndici();
        dispatcher ??= new Agent({ maxResponseSize: maxBytes });
        const res = await request(url, {
          method: 'GET',
          headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
          signal: AbortSignal.timeout(p.timeoutMs),
          dispatcher,
        });
        ({ statusCode, headers } = res);
        if (Number(res.headers['content-length']) > maxBytes) {
          res.body.destroy();
          throw tooLarge(path);
        }
        text = await res.body.text();
      } catch (err) {
        if ((err as { code?: unknown } | null)?.code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE')
          throw tooLarge(path);
        throw err;
      }
      let data: unknown = text;
      try {
        data = text ? JSON.parse(text) : undefined;
      } catch {
        // Not JSON: kept as text for the error below, or refused as a bad answer.
      }
      if (statusCode >= 400) {
        throw Object.assign(new Error(`Gmail answered ${statusCode} to ${path}`), {
          status: statusCode,
          response: { status: statusCode, data, headers },
        });
      }
      if (typeof data !== 'object' || data === null)
        throw badAnswer(`Gmail answered ${statusCode} to ${path} without a JSON object`, data, headers);
      return data;
    };
}

export type GmailReads = ReturnType<typeof createGmailReads>;
