import type { FastifyInstance } from 'fastify';
import type { AppError } from '../../shared/errors';
import type { GmailPort } from './domain/ports';
import type { MailHeaders } from './domain/types';
import { notifyErrors, type NotifyErrorCode } from './domain/errors';
import { isNotifyError } from './domain/failures';
import { createGmailFactory, type GmailApi } from '../../shared/gmail';
import { classifyGoogleError } from '../../shared/google-errors';
import type { ConnectModule } from '../connect';
import type { GmailPacing } from './gmail-pacing';
import { createGmailReads, type GmailGet } from './gmail-reads';
import type { gmail_v1 } from '@googleapis/gmail';

const HISTORY_PAGE_SIZE = 500;

/**
 * Gmail failures as notify's errors: transient for 429/5xx/network (and 401, after which the
 * opener drops the cached access token), `retryAfterMs` when Google says so.
 */
export function gmailError(err: unknown, what: string): AppError<NotifyErrorCode> {
  const f = classifyGoogleError(err);
  return notifyErrors.fail(`gmail_${f.kind}`, `${what}: ${f.kind}${f.status ? ` (${f.status})` : ''}`, {
    details: { reason: f.reason, retryAfterMs: f.retryAfterMs },
    cause: err,
  });
}

const header = (headers: Array<{ name?: string | null; value?: string | null }> | undefined, name: string) =>
  headers?.find((h) => h.name?.toLowerCase() === name.toLowerCase())?.value ?? '';

/**
 * The Gmail calls notifications make, for one account's access token: the sync's reads through `get`,
 * the others through the googleapis client, built on first use.
 */
export function createNotifyGmail(
  client: () => GmailApi,
  get: GmailGet,
  onError: (err: AppError<NotifyErrorCode>) => void,
): GmailPort {
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      const mapped = gmailError(err, what);
      onError(mapped);
      throw mapped;
    }
  };
  return {
    async watch(topicName) {
      const { data } = await call('users.watch', () =>
        client().users.watch({
          userId: 'me',
          requestBody: { topicName, labelIds: ['INBOX'], labelFilterBehavior: 'include' },
        }),
      );
      if (!data.historyId || !data.expiration)
        throw notifyErrors.fail('gmail_bad_response', 'users.watch returned no historyId or expiration');
      return { historyId: String(data.historyId), expiration: new Date(Number(data.expiration)) };
    },
    async stop() {
      await call('users.stop', () => client().users.stop({ userId: 'me' }));
    },
    async listHistory(startHistoryId, pageToken) {
      const query = new URLSearchParams({
        startHistoryId,
        historyTypes: 'messageAdded',
        labelId: 'INBOX',
        maxResults: String(HISTORY_PAGE_SIZE),
      });
      if (pageToken) query.set('pageToken', pageToken);
      const data = (await call('history.list', () =>
        get('history', query),
      )) as gmail_v1.Schema$ListHistoryResponse;
      const messages = (data.history ?? []).flatMap((h) =>
        (h.messagesAdded ?? []).flatMap(({ message }) =>
          message?.id ? [{ id: message.id, labelIds: message.labelIds ?? [] }] : [],
        ),
      );
      return {
        messages,
        nextPageToken: data.nextPageToken ?? undefined,
        historyId: String(data.historyId ?? startHistoryId),
      };
    },
    async headers(id): Promise<MailHeaders | undefined> {
      try {
        const query = new URLSearchParams([
          ['format', 'metadata'],
          ['metadataHeaders', 'From'],
          ['metadataHeaders', 'Subject'],
          ['metadataHeaders', 'Date'],
        ]);
        const data = (await call('messages.get', () =>
          get(`messages/${encodeURIComponent(id)}`, query),
        )) as gmail_v1.Schema$Message;
        const headers = data.payload?.headers ?? undefined;
        const internal = Number(data.internalDate);
        const dated =
          Number.isFinite(internal) && internal > 0 ? new Date(internal) : new Date(header(headers, 'Date'));
        return {
          id,
          threadId: data.threadId ?? id,
          labelIds: data.labelIds ?? [],
          from: header(headers, 'From'),
          subject: header(headers, 'Subject'),
          receivedAt: Number.isNaN(dated.getTime()) ? new Date() : dated,
        };
      } catch (err) {
        // Deleted between the push and now: nothing to announce.
        if (isNotifyError(err, 'gmail_not_found')) return undefined;
        throw err;
      }
    },
    async recentInbox(max) {
      const { data } = await call('messages.list', () =>
        client().users.messages.list({ userId: 'me', labelIds: ['INBOX'], maxResults: max }),
      );
      return (data.messages ?? []).flatMap((m) => (m.id ? [m.id] : []));
    },
    async currentHistoryId() {
      const { data } = await call('users.getProfile', () => client().users.getProfile({ userId: 'me' }));
      if (!data.historyId) throw notifyErrors.fail('gmail_bad_response', 'getProfile returned no historyId');
      return String(data.historyId);
    },
  };
}

/** Gmail clients kept for reuse, one per connection (the most recently used are kept). */
const MAX_CLIENTS = 1_000;

/**
 * Opens a connection's Gmail with a fresh access token (connect throws not_connected /
 * connection_invalid when there is none; it keeps each access token until shortly before it
 * expires). The client built for a token is reused while the token is the same. Calls are paced
 * (`gmail-pacing.ts`). Every Gmail failure is counted; a rejected access token is dropped so the
 * retry refreshes it (or meets invalid_grant).
 */
export function createGmailOpener(
  app: Pick<FastifyInstance, 'config' | 'metrics'>,
  accessTokens: ConnectModule['accessTokens'],
  pacing: GmailPacing,
) {
  const gmailFor = createGmailFactory(app.config);
  const readsFor = createGmailReads({
    apiUrl: app.config.GMAIL_API_URL,
    timeoutMs: app.config.HTTP_TIMEOUT_MS,
  });
  const clients = new Map<string, { accessToken: string; port: GmailPort }>();
  return async (connectionId: string): Promise<GmailPort> => {
    const { accessToken, connection } = await accessTokens.forConnection(connectionId);
    const known = clients.get(connectionId);
    clients.delete(connectionId);
    if (known?.accessToken === accessToken) {
      clients.set(connectionId, known);
      return known.port;
    }
    let api: GmailApi | undefined;
    const client = () => (api ??= gmailFor(accessToken));
    const gmail = createNotifyGmail(client, readsFor(accessToken), (err) => {
      app.metrics.apiErrors.inc({ service: 'gmail', kind: err.code });
      if (err.code === 'gmail_unauthorized') {
        accessTokens.forget(connectionId);
        clients.delete(connectionId);
      }
    });
    const port = pacing.paced(gmail, connection.email);
    if (clients.size >= MAX_CLIENTS) clients.delete(clients.keys().next().value as string);
    clients.set(connectionId, { accessToken, port });
    return port;
  };
}
