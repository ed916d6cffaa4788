import type { IncomingMessage, ServerResponse } from 'node:http';
import { answersInstead, applyFault, type FaultBook } from './faults';
import { parseArgs, readBody, sendJson, tokenOf } from './http-body';
import { missingScope } from './scopes';
import { WEB_API_METHODS, type MethodContext } from './web-api-methods';

export interface WebApiDeps extends MethodContext {
  faults: FaultBook;
  sleep: (ms: number) => Promise<void>;
  botToken: string;
  appToken: string;
  /** Bot scopes the app was granted; undefined grants every scope. */
  scopes?: ReadonlySet<string>;
  log: (msg: string) => void;
}

/** Slack's token checks: app-level tokens open sockets and nothing else; bot tokens do the rest. */
function authError(method: string, token: string | undefined, deps: WebApiDeps): string | undefined {
  const wanted = method === 'apps.connections.open' ? deps.appToken : deps.botToken;
  if (token === undefined) return 'not_authed';
  if (token === wanted) return undefined;
  if (token === deps.appToken || token === deps.botToken) return 'not_allowed_token_type';
  return 'invalid_auth';
}

/** Serves `/api/<method>`: records the call, applies an armed fault, then answers like Slack. */
export async function handleWebApi(
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  query: URLSearchParams,
  deps: WebApiDeps,
): Promise<void> {
  if (req.method !== 'POST' && req.method !== 'GET') {
    sendJson(res, 405, { ok: false, error: 'invalid_request' });
    return;
  }
  const args = parseArgs(req, await readBody(req), query);
  const token = tokenOf(req, args);
  delete args.token;

  const fault = deps.faults.take(method, true);
  deps.recorder.recordCall({
    method,
    args,
    token,
    at: new Date(),
    ...(fault && answersInstead(fault) && !fault.afterHandling ? { faulted: true } : {}),
  });
  if (fault) deps.log(`web api ${method}: injected fault ${JSON.stringify(fault)}`);
  if (fault && !fault.afterHandling && (await applyFault(res, fault, deps.sleep))) return;
  const answer = answerOf(method, args, token, deps);
  if (fault?.afterHandling && (await applyFault(res, fault, deps.sleep))) return;
  sendJson(res, 200, answer);
}

/** Slack's answer to a Web API call that reached it (the work is done by the time it returns). */
function answerOf(
  method: string,
  args: Record<string, unknown>,
  token: string | undefined,
  deps: WebApiDeps,
) {
  const handler = WEB_API_METHODS[method];
  if (!handler) return { ok: false, error: 'unknown_method', req_method: method };
  const error = authError(method, token, deps);
  if (error) return { ok: false, error };
  const { scopes } = deps;
  const needed = scopes && missingScope(method, args, scopes);
  // Slack's answer when the token lacks the method's scope: what it needs and what it has.
  if (scopes && needed) return { ok: false, error: 'missing_scope', needed, provided: [...scopes].join(',') };
  return handler(args, deps);
}
