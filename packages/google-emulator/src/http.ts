import type { IncomingHttpHeaders } from 'node:http';
import type { Fault, FaultEndpoint } from './types';

/** A fully read request. */
export interface Incoming {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** When the request's headers arrived (ms since the epoch), before its body was read. */
  receivedAt: number;
}

/** What a handler answers; `drop` destroys the connection instead. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  drop?: boolean;
}

/** A route; `endpoint` names it for fault injection and the Gmail request log. */
export interface Route {
  method: string;
  path: RegExp;
  endpoint?: FaultEndpoint | 'gmail.other';
  handle: (req: Incoming, params: string[]) => Reply | Promise<Reply>;
}

export const json = (status: number, value: unknown, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { 'content-type': 'application/json; charset=UTF-8', ...headers },
  body: JSON.stringify(value),
});

export const html = (status: number, page: string): Reply => ({
  status,
  headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  body: page,
});

export const redirect = (location: string): Reply => ({ status: 302, headers: { location } });

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Form (or JSON) body fields; Google's token endpoint accepts both. */
export function bodyParams(req: Incoming): Record<string, string> {
  const text = req.body.toString('utf8');
  if (String(req.headers['content-type'] ?? '').includes('application/json')) {
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

const STATUS_NAMES: Record<number, [string, string]> = {
  400: ['INVALID_ARGUMENT', 'invalidArgument'],
  401: ['UNAUTHENTICATED', 'authError'],
  403: ['PERMISSION_DENIED', 'forbidden'],
  404: ['NOT_FOUND', 'notFound'],
  409: ['ABORTED', 'conflict'],
  429: ['RESOURCE_EXHAUSTED', 'rateLimitExceeded'],
  500: ['INTERNAL', 'backendError'],
  503: ['UNAVAILABLE', 'backendError'],
};

/** A Google API JSON error: {error:{code,message,status,errors:[{message,domain,reason}]}}. */
export function gmailError(
  status: number,
  message: string,
  reason?: string,
  headers: Record<string, string> = {},
): Reply {
  const [statusName, defaultReason] = STATUS_NAMES[status] ?? ['UNKNOWN', 'backendError'];
  const error = {
    code: status,
    message,
    errors: [{ message, domain: 'global', reason: reason ?? defaultReason }],
    status: statusName,
  };
  return json(status, { error }, headers);
}

/** The answer an injected fault gives on an endpoint, shaped like that endpoint's real errors. */
export function faultReply(endpoint: FaultEndpoint, f: Fault): Reply {
  if (f.drop) return { status: 0, drop: true };
  const headers: Record<string, string> =
    f.retryAfter === undefined ? {} : { 'retry-after': String(f.retryAfter) };
  if (f.invalidGrant)
    return json(
      400,
      { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
      headers,
    );
  const status = f.status ?? 500;
  if (f.body !== undefined) {
    const body = typeof f.body === 'string' ? f.body : JSON.stringify(f.body);
    const type = typeof f.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=UTF-8';
    return { status, headers: { 'content-type': type, ...headers }, body };
  }
  if (endpoint.startsWith('gmail.'))
    return gmailError(status, `Injected fault (${status})`, undefined, headers);
  if (endpoint === 'token' || endpoint === 'revoke') {
    const error =
      status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'internal_failure' : 'invalid_request';
    return json(status, { error, error_description: `Injected fault (${status})` }, headers);
  }
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', ...headers },
    body: `<h1>Error ${status}</h1>`,
  };
}
