import { authenticate, isReply, PROFILE, READ, type GmailContext } from './gmail-auth';
import { decodePageToken, encodePageToken, matchesQuery, pageSize } from './gmail-query';
import { send } from './gmail-send';
import { gmailError, json, type Incoming, type Reply, type Route } from './http';
import type { GmailMessage } from './types';

const USER = '/gmail/v1/users/([^/]+)';

function rawOf(m: GmailMessage): string {
  if (m.raw) return m.raw;
  const head = m.headers.map((h) => `${h.name}: ${h.value}`).join('\r\n');
  return Buffer.from(`${head}\r\n\r\n${m.body}`).toString('base64url');
}

function getMessage(ctx: GmailContext, req: Incoming, userId: string, id: string): Reply {
  const caller = authenticate(ctx, req, userId, READ);
  if (isReply(caller)) return caller;
  const format = (req.url.searchParams.get('format') ?? 'full').toLowerCase();
  if (caller.metadataOnly && (format === 'full' || format === 'raw')) {
    return gmailError(403, `Metadata scope doesn't allow format ${format.toUpperCase()}`, 'forbidden');
  }
  if (!/^[0-9a-f]+$/i.test(id)) return gmailError(400, 'Invalid id value');
  const m = caller.mailbox.find(id);
  if (!m) return gmailError(404, 'Requested entity was not found.');
  const base = {
    id: m.id,
    threadId: m.threadId,
    labelIds: m.labelIds,
    snippet: m.snippet,
    sizeEstimate: m.sizeEstimate,
    historyId: m.historyId,
    internalDate: m.internalDate,
  };
  if (format === 'minimal') return json(200, base);
  if (format === 'raw') return json(200, { ...base, raw: rawOf(m) });
  if (format === 'metadata') {
    const wanted = req.url.searchParams.getAll('metadataHeaders').map((h) => h.toLowerCase());
    const headers = wanted.length
      ? m.headers.filter((h) => wanted.includes(h.name.toLowerCase()))
      : m.headers;
    return json(200, { ...base, payload: { mimeType: 'text/plain', headers } });
  }
  const data = Buffer.from(m.body).toString('base64url');
  return json(200, {
    ...base,
    payload: {
      partId: '',
      mimeType: 'text/plain',
      filename: '',
      headers: m.headers,
      body: { size: Buffer.byteLength(m.body), data },
    },
  });
}

function listMessages(ctx: GmailContext, req: Incoming, userId: string): Reply {
  const caller = authenticate(ctx, req, userId, READ);
  if (isReply(caller)) return caller;
  const params = req.url.searchParams;
  const q = params.get('q') ?? '';
  if (q && caller.metadataOnly)
    return gmailError(403, "Metadata scope does not support 'q' parameter", 'forbidden');
  const labelIds = params.getAll('labelIds');
  const hidden =
    params.get('includeSpamTrash') === 'true' ? [] : ['SPAM', 'TRASH'].filter((l) => !labelIds.includes(l));
  const now = Date.now();
  const matches = [...caller.mailbox.messages]
    .reverse()
    .filter((m) => (m.listedFrom ?? 0) <= now)
    .filter(
      (m) => labelIds.every((l) => m.labelIds.includes(l)) && !m.labelIds.some((l) => hidden.includes(l)),
    )
    .filter((m) => matchesQuery(m, q));
  const offset = Number(decodePageToken(params.get('pageToken')) ?? 0);
  const size = pageSize(params.get('maxResults'));
  const page = matches.slice(offset, offset + size);
  return json(200, {
    messages: page.length ? page.map((m) => ({ id: m.id, threadId: m.threadId })) : undefined,
    nextPageToken: offset + size < matches.length ? encodePageToken(String(offset + size)) : undefined,
    resultSizeEstimate: matches.length,
  });
}

function listHistory(ctx: GmailContext, req: Incoming, userId: string): Reply {
  const caller = authenticate(ctx, req, userId, READ);
  if (isReply(caller)) return caller;
  const params = req.url.searchParams;
  const start = params.get('startHistoryId');
  if (!start || !/^\d+$/.test(start))
    return gmailError(400, start ? 'Invalid startHistoryId' : 'Missing required field: startHistoryId');
  const { mailbox } = caller;
  if (BigInt(start) < mailbox.expiredBefore) return gmailError(404, 'Requested entity was not found.');
  const types = params.getAll('historyTypes');
  const labelId = params.get('labelId');
  const after = BigInt(decodePageToken(params.get('pageToken')) ?? start);
  const records = mailbox.history.filter(
    (r) =>
      r.id > after &&
      (types.length === 0 || types.includes('messageAdded')) &&
      (!labelId || r.message.labelIds.includes(labelId)),
  );
  const page = records.slice(0, pageSize(params.get('maxResults')));
  const last = page[page.length - 1];
  return json(200, {
    history: page.length
      ? page.map((r) => ({
          id: String(r.id),
          messages: [{ id: r.message.id, threadId: r.message.threadId }],
          messagesAdded: [{ message: r.message }],
        }))
      : undefined,
    nextPageToken: last && records.length > page.length ? encodePageToken(String(last.id)) : undefined,
    historyId: String(mailbox.historyId),
  });
}

function watch(ctx: GmailContext, req: Incoming, userId: string): Reply {
  const caller = authenticate(ctx, req, userId, READ);
  if (isReply(caller)) return caller;
  let body: {
    topicName?: string;
    labelIds?: string[];
    labelFilterBehavior?: string;
    labelFilterAction?: string;
  } = {};
  try {
    body = JSON.parse(req.body.toString('utf8') || '{}') as typeof body;
  } catch {
    return gmailError(400, 'Invalid JSON payload received.');
  }
  if (!body.topicName || !/^projects\/[^/]+\/topics\/[^/]+$/.test(body.topicName)) {
    return gmailError(400, 'Invalid topicName does not match projects/SOME_ANDROID_PROJECT/topics/*');
  }
  const behavior = (body.labelFilterBehavior ?? body.labelFilterAction ?? 'include').toLowerCase();
  const labelIds = body.labelIds ?? [];
  ctx.records.watchCalls.push({
    email: caller.mailbox.email,
    topicName: body.topicName,
    labelIds,
    labelFilterBehavior: behavior,
  });
  ctx.records.watchCallTimes.push({
    email: caller.mailbox.email,
    receivedAt: req.receivedAt,
    at: Date.now(),
  });
  const w = caller.mailbox.startWatch(body.topicName, labelIds, behavior);
  return json(200, { historyId: w.historyId, expiration: String(w.expiration) });
}

function stop(ctx: GmailContext, req: Incoming, userId: string): Reply {
  const caller = authenticate(ctx, req, userId, READ);
  if (isReply(caller)) return caller;
  ctx.records.stopCalls.push({ email: caller.mailbox.email });
  caller.mailbox.watch = null;
  return { status: 204 };
}

function profile(ctx: GmailContext, req: Incoming, userId: string): Reply {
  const caller = authenticate(ctx, req, userId, PROFILE);
  if (isReply(caller)) return caller;
  const { mailbox } = caller;
  const threads = new Set(mailbox.messages.map((m) => m.threadId));
  return json(200, {
    emailAddress: mailbox.email,
    messagesTotal: mailbox.messages.length,
    threadsTotal: threads.size,
    historyId: String(mailbox.historyId),
  });
}

/** The Gmail API subset, under GMAIL_API_URL (googleapis appends gmail/v1/...). */
export function gmailRoutes(ctx: GmailContext): Route[] {
  const user = (p: string[]) => decodeURIComponent(p[0] ?? '');
  return [
    {
      method: 'GET',
      path: new RegExp(`^${USER}/profile$`),
      endpoint: 'gmail.profile',
      handle: (r, p) => profile(ctx, r, user(p)),
    },
    {
      method: 'POST',
      path: new RegExp(`^(?:/upload)?${USER}/messages/send$`),
      endpoint: 'gmail.send',
      handle: (r, p) => send(ctx, r, user(p)),
    },
    {
      method: 'GET',
      path: new RegExp(`^${USER}/messages$`),
      endpoint: 'gmail.list',
      handle: (r, p) => listMessages(ctx, r, user(p)),
    },
    {
      method: 'GET',
      path: new RegExp(`^${USER}/messages/([^/]+)$`),
      endpoint: 'gmail.get',
      handle: (r, p) => getMessage(ctx, r, user(p), p[1] ?? ''),
    },
    {
      method: 'GET',
      path: new RegExp(`^${USER}/history$`),
      endpoint: 'gmail.history',
      handle: (r, p) => listHistory(ctx, r, user(p)),
    },
    {
      method: 'POST',
      path: new RegExp(`^${USER}/watch$`),
      endpoint: 'gmail.watch',
      handle: (r, p) => watch(ctx, r, user(p)),
    },
    {
      method: 'POST',
      path: new RegExp(`^${USER}/stop$`),
      endpoint: 'gmail.stop',
      handle: (r, p) => stop(ctx, r, user(p)),
    },
    {
      method: '*',
      path: /^(?:\/upload)?\/gmail\//,
      endpoint: 'gmail.other',
      handle: () => gmailError(404, 'Not Found'),
    },
  ];
}
