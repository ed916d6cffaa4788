import { createGmailFactory, type GmailApi } from '../../shared/gmail';
import type { Config } from '../../config';
import { classifyGoogleError } from '../../shared/google-errors';
import type { AnsweredMessage, Gmail, GmailAnswer, GmailFailure, SentMessage } from './domain/ports';
import type { SentLookup } from './domain/types';

const NOT_CONNECTED_YET = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/;
/** Google's reason when the access token lacks a scope the call needs. */
const INSUFFICIENT_SCOPE = 'insufficientPermissions';

/** What a googleapis error proves about the request, in the send domain's terms. */
export function classifyGmailError(err: unknown): GmailFailure {
  const f = classifyGoogleError(err);
  const failure: GmailFailure = {
    kind: f.kind,
    status: f.status,
    retryAfterMs: f.retryAfterMs,
    message: f.message,
  };
  if (f.kind === 'network' && NOT_CONNECTED_YET.test(`${f.reason ?? ''} ${f.message}`)) {
    failure.neverConnected = true;
  }
  if (f.kind === 'forbidden' && f.reason === INSUFFICIENT_SCOPE) failure.scopeMissing = true;
  return failure;
}

async function answer<T>(call: () => Promise<T>): Promise<GmailAnswer<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (err) {
    return { ok: false, failure: classifyGmailError(err) };
  }
}

/** Gmail as the send use case sees it: every failure classified, never thrown. */
export function createGmailSender(config: Config): Gmail {
  const gmailFor = createGmailFactory(config);
  return {
    send: (accessToken, raw, threadId) =>
      answer(async () => {
        const requestBody = threadId ? { raw, threadId } : { raw };
        const res = await gmailFor(accessToken).users.messages.send({ userId: 'me', requestBody });
        if (!res.data.id) throw new Error('Gmail answered without a message id');
        return { id: res.data.id, threadId: res.data.threadId ?? null };
      }),
    findSent: (accessToken, messageIdHeader, how, attemptedAt) =>
      answer(() => findSentMessage(gmailFor(accessToken), messageIdHeader, how, attemptedAt)),
    readAnswered: async (accessToken, id) => {
      const got = await answer(() => readAnswered(gmailFor(accessToken), id));
      // Gmail answers 404 for an id its mailbox does not hold and 400 for one it cannot parse.
      const absent = !got.ok && (got.failure.kind === 'not_found' || got.failure.kind === 'bad_request');
      return absent ? { ok: true, value: undefined } : got;
    },
  };
}

const REPLY_HEADERS = ['Message-ID', 'References', 'Subject', 'From'];

/** The headers a reply needs, with format=metadata: what the gmail.metadata scope allows. */
async function readAnswered(gmail: GmailApi, id: string): Promise<AnsweredMessage> {
  const res = await gmail.users.messages.get({
    userId: 'me',
    id,
    format: 'metadata',
    metadataHeaders: REPLY_HEADERS,
  });
  const header = (name: string) =>
    res.data.payload?.headers?.find((h) => h.name?.toLowerCase() === name.toLowerCase())?.value ?? undefined;
  if (!res.data.threadId) throw new Error('Gmail answered without a thread id');
  return {
    threadId: res.data.threadId,
    messageId: header('Message-ID'),
    references: header('References'),
    subject: header('Subject'),
    from: header('From'),
  };
}

/**
 * Without a search, the SENT listing is read newest first, one page at a time, back to the send's
 * attempt (less a clock skew between us and Google) and never past SENT_MAX_MESSAGES messages: a
 * send followed by that many later sends of the mailbox before the lookup is reported unknown.
 */
const SENT_PAGE_SIZE = 50;
export const SENT_MAX_MESSAGES = 200;
const CLOCK_SKEW_MS = 5 * 60_000;

export const bareMessageId = (header: string) => header.trim().replace(/^<|>$/g, '');

/**
 * The Gmail ids (message and thread) of the sent message whose Message-ID header is `messageIdHeader`,
 * if Gmail lists it.
 * `search` needs a scope that allows `q` (gmail.readonly and up); `list` works with gmail.metadata,
 * which allows no query: it pages through SENT from the newest message and compares their header,
 * stopping at messages older than `attemptedAt` (less the skew) or after SENT_MAX_MESSAGES.
 */
export async function findSentMessage(
  gmail: GmailApi,
  messageIdHeader: string,
  how: SentLookup,
  attemptedAt?: Date,
): Promise<SentMessage | undefined> {
  const wanted = bareMessageId(messageIdHeader);
  if (how === 'search') {
    const res = await gmail.users.messages.list({
      userId: 'me',
      q: `rfc822msgid:${wanted} in:sent`,
      maxResults: 1,
    });
    const found = res.data.messages?.[0];
    return found?.id ? { id: found.id, threadId: found.threadId ?? null } : undefined;
  }
  const oldest = attemptedAt ? attemptedAt.getTime() - CLOCK_SKEW_MS : -Infinity;
  let pageToken: string | undefined;
  let read = 0;
  while (read < SENT_MAX_MESSAGES) {
    const res = await gmail.users.messages.list({
      userId: 'me',
      labelIds: ['SENT'],
      maxResults: Math.min(SENT_PAGE_SIZE, SENT_MAX_MESSAGES - read),
      pageToken,
    });
    for (const { id, threadId } of res.data.messages ?? []) {
      if (!id || read >= SENT_MAX_MESSAGES) continue;
      read += 1;
      const message = await gmail.users.messages.get({
        userId: 'me',
        id,
        format: 'metadata',
        metadataHeaders: ['Message-ID'],
      });
      const header = message.data.payload?.headers?.find((h) => h.name?.toLowerCase() === 'message-id');
      if (header?.value && bareMessageId(header.value) === wanted) return { id, threadId: threadId ?? null };
      // Newest first: once a message predates the attempt, ours cannot come after it.
      if (Number(message.data.internalDate) < oldest) return undefined;
    }
    pageToken = res.data.nextPageToken ?? undefined;
    if (!pageToken) return undefined;
  }
  return undefined;
}
