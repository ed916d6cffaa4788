import { google, type gmail_v1 } from 'googleapis';
import { OAuth2Client } from 'google-auth-library';
import type { Config } from '../config';
import type { SentLookup } from '../domain/send/types';

export type GmailApi = gmail_v1.Gmail;

/** Returns a Gmail client bound to one access token; refreshing is the caller's job (see access-tokens). */
export function createGmailFactory(config: Config) {
  return (accessToken: string): GmailApi => {
    const auth = new OAuth2Client({ transporterOptions: { fetchImplementation: globalThis.fetch } });
    auth.setCredentials({ access_token: accessToken });
    return google.gmail({
      version: 'v1',
      auth,
      rootUrl: config.GMAIL_API_URL,
      timeout: config.HTTP_TIMEOUT_MS,
      retry: false,
    });
  };
}

export type GmailFactory = ReturnType<typeof createGmailFactory>;

/** The newest SENT messages compared when no search is allowed: enough for a send moments ago. */
const SENT_PAGE_SIZE = 10;
const SENT_PAGES = 2;

export const bareMessageId = (header: string) => header.trim().replace(/^<|>$/g, '');

/**
 * The Gmail id of the sent message whose Message-ID header is `messageIdHeader`, if Gmail lists it.
 * `search` needs a scope that allows `q` (gmail.readonly and up); `list` works with gmail.metadata,
 * which allows no query: it pages through the newest SENT messages and compares their header.
 */
export async function findSentMessage(
  gmail: GmailApi,
  messageIdHeader: string,
  how: SentLookup,
): Promise<string | undefined> {
  const wanted = bareMessageId(messageIdHeader);
  if (how === 'search') {
    const res = await gmail.users.messages.list({
      userId: 'me',
      q: `rfc822msgid:${wanted} in:sent`,
      maxResults: 1,
    });
    return res.data.messages?.[0]?.id ?? undefined;
  }
  let pageToken: string | undefined;
  for (let page = 0; page < SENT_PAGES; page++) {
    const res = await gmail.users.messages.list({
      userId: 'me',
      labelIds: ['SENT'],
      maxResults: SENT_PAGE_SIZE,
      pageToken,
    });
    for (const { id } of res.data.messages ?? []) {
      if (!id) continue;
      const message = await gmail.users.messages.get({
        userId: 'me',
        id,
        format: 'metadata',
        metadataHeaders: ['Message-ID'],
      });
      const header = message.data.payload?.headers?.find((h) => h.name?.toLowerCase() === 'message-id');
      if (header?.value && bareMessageId(header.value) === wanted) return id;
    }
    pageToken = res.data.nextPageToken ?? undefined;
    if (!pageToken) return undefined;
  }
  return undefined;
}
