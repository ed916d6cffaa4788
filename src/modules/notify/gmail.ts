import { AppError } from '../../shared/errors';
import type { GmailPort, MailHeaders } from './domain/types';
import type { GmailApi } from '../../shared/gmail';
import { classifyGoogleError, isTransient } from '../../shared/google-errors';

const HISTORY_PAGE_SIZE = 500;

/**
 * Gmail failures as AppErrors the notify domain can act on: `retryable` for 429/5xx/network (and
 * 401, after which the caller drops the cached access token), `retryAfterMs` when Google says so.
 */
export function gmailError(err: unknown, what: string): AppError {
  const f = classifyGoogleError(err);
  return new AppError(`gmail_${f.kind}`, `${what}: ${f.kind}${f.status ? ` (${f.status})` : ''}`, {
    httpStatus: 502,
    retryable: isTransient(f) || f.kind === 'unauthorized',
    details: { reason: f.reason, retryAfterMs: f.retryAfterMs },
    cause: err,
  });
}

const header = (headers: Array<{ name?: string | null; value?: string | null }> | undefined, name: string) =>
  headers?.find((h) => h.name?.toLowerCase() === name.toLowerCase())?.value ?? '';

/** The Gmail calls notifications make, for one account's access token. */
export function createNotifyGmail(api: GmailApi, onError: (err: AppError) => void): GmailPort {
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
        api.users.watch({
          userId: 'me',
          requestBody: { topicName, labelIds: ['INBOX'], labelFilterBehavior: 'include' },
        }),
      );
      if (!data.historyId || !data.expiration)
        throw new AppError('gmail_bad_response', 'users.watch returned no historyId or expiration', {
          retryable: true,
        });
      return { historyId: String(data.historyId), expiration: new Date(Number(data.expiration)) };
    },
    async stop() {
      await call('users.stop', () => api.users.stop({ userId: 'me' }));
    },
    async listHistory(startHistoryId, pageToken) {
      const { data } = await call('history.list', () =>
        api.users.history.list({
          userId: 'me',
          startHistoryId,
          historyTypes: ['messageAdded'],
          labelId: 'INBOX',
          maxResults: HISTORY_PAGE_SIZE,
          pageToken,
        }),
      );
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
        const { data } = await call('messages.get', () =>
          api.users.messages.get({
            userId: 'me',
            id,
            format: 'metadata',
            metadataHeaders: ['From', 'Subject', 'Date'],
          }),
        );
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
        if (err instanceof AppError && err.code === 'gmail_not_found') return undefined;
        throw err;
      }
    },
    async recentInbox(max) {
      const { data } = await call('messages.list', () =>
        api.users.messages.list({ userId: 'me', labelIds: ['INBOX'], maxResults: max }),
      );
      return (data.messages ?? []).flatMap((m) => (m.id ? [m.id] : []));
    },
    async currentHistoryId() {
      const { data } = await call('users.getProfile', () => api.users.getProfile({ userId: 'me' }));
      if (!data.historyId)
        throw new AppError('gmail_bad_response', 'getProfile returned no historyId', { retryable: true });
      return String(data.historyId);
    },
  };
}
