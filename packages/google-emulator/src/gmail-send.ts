import { randomBytes } from 'node:crypto';
import { authenticate, isReply, SEND, type GmailContext } from './gmail-auth';
import { gmailError, json, type Incoming, type Reply } from './http';
import type { Mailbox } from './mailbox';
import { parseMessage } from './mime';
import type { GmailMessage } from './types';

/** The RFC 822 bytes of a send: JSON {raw} on the API path, or media / multipart/related on the upload path. */
function rawFromRequest(req: Incoming): { raw?: Buffer; threadId?: string } {
  const readJson = (text: string) => {
    try {
      return JSON.parse(text) as { raw?: string; threadId?: string };
    } catch {
      return {};
    }
  };
  if (!req.url.pathname.startsWith('/upload/')) {
    const body = readJson(req.body.toString('utf8'));
    return { raw: body.raw ? Buffer.from(body.raw, 'base64url') : undefined, threadId: body.threadId };
  }
  if (req.url.searchParams.get('uploadType') !== 'multipart') return { raw: req.body };
  const boundary = /boundary="?([^";]+)"?/.exec(String(req.headers['content-type'] ?? ''))?.[1] ?? '';
  const parts = req.body
    .toString('latin1')
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((p) =>
      p
        .slice(p.search(/\r?\n\r?\n/))
        .replace(/^\r?\n\r?\n/, '')
        .replace(/\r?\n$/, ''),
    );
  const meta = readJson(parts[0] ?? '');
  return {
    raw: parts[1] === undefined ? undefined : Buffer.from(parts[1], 'latin1'),
    threadId: meta.threadId,
  };
}

const snippetOf = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 200);

/** A subject as Gmail compares it for threading: without its Re:/Fwd: prefixes, case and outer space. */
const baseSubject = (subject = '') =>
  subject
    .replace(/^(\s*(re|fwd?|aw|wg)\s*:)+/i, '')
    .trim()
    .toLowerCase();

/**
 * The thread a sent message joins. As Gmail documents it: the requested thread, when the message
 * carries In-Reply-To or References and its Subject matches the thread's; otherwise a thread of its own
 * (undefined). Null: the mailbox has no such thread.
 */
function threadFor(
  mailbox: Mailbox,
  threadId: string,
  headers: Record<string, string>,
): string | undefined | null {
  const thread = mailbox.messages.filter((m) => m.threadId === threadId);
  if (thread.length === 0) return null;
  if (!headers['in-reply-to'] && !headers.references) return undefined;
  const subjectOf = (m: GmailMessage) => m.headers.find((h) => h.name.toLowerCase() === 'subject')?.value;
  return baseSubject(subjectOf(thread[0]!)) === baseSubject(headers.subject) ? threadId : undefined;
}

export function send(ctx: GmailContext, req: Incoming, userId: string): Reply {
  const caller = authenticate(ctx, req, userId, SEND);
  if (isReply(caller)) return caller;
  const { raw, threadId } = rawFromRequest(req);
  if (!raw || raw.length === 0) {
    return gmailError(
      400,
      "'raw' RFC822 payload message string or uploading message via /upload/* URL required",
    );
  }
  const parsed = parseMessage(raw);
  if (parsed.to.length + parsed.cc.length + parsed.bcc.length === 0)
    return gmailError(400, 'Recipient address required');
  const thread = threadId ? threadFor(caller.mailbox, threadId, parsed.headers) : undefined;
  if (thread === null) return gmailError(404, 'Requested entity was not found.');
  const headers = [...parsed.headerList];
  const messageIdHeader = parsed.messageIdHeader ?? `<emu.${randomBytes(12).toString('hex')}@mail.gmail.com>`;
  if (!parsed.messageIdHeader) headers.push({ name: 'Message-ID', value: messageIdHeader });
  if (!parsed.headers.from) headers.push({ name: 'From', value: caller.mailbox.email });
  const message = caller.mailbox.add({
    threadId: thread,
    labelIds: ['SENT'],
    snippet: snippetOf(parsed.body),
    internalDate: String(Date.now()),
    headers,
    body: parsed.body,
    sizeEstimate: raw.length,
    raw: raw.toString('base64url'),
    listedFrom: Date.now() + ctx.sentListingDelayMs(),
  });
  caller.mailbox.sent.push({
    ...parsed,
    messageIdHeader,
    id: message.id,
    threadId: message.threadId,
    raw: raw.toString('utf8'),
  });
  return json(200, { id: message.id, threadId: message.threadId, labelIds: message.labelIds });
}
