import { randomBytes } from 'node:crypto';
import type { DeliverInput, GmailMessage, SentMessage, Watch } from './types';

/**
 * History ids start just below a power of ten so that a cursor compared as a string instead of a
 * number ("999999" > "1000001") goes wrong within a few messages.
 */
const FIRST_HISTORY_ID = 999_990n;
const WATCH_TTL_MS = 7 * 24 * 3600 * 1000;

export interface HistoryRecord {
  id: bigint;
  message: { id: string; threadId: string; labelIds: string[] };
}

export type NewMessage = Omit<GmailMessage, 'id' | 'threadId' | 'historyId'> & { threadId?: string };

/** One Gmail mailbox: messages, the messageAdded history, the watch. */
export class Mailbox {
  historyId = FIRST_HISTORY_ID;
  /** history.list with a startHistoryId below this answers 404, as when Gmail dropped old history. */
  expiredBefore = 0n;
  watch: Watch | null = null;
  readonly messages: GmailMessage[] = [];
  readonly sent: SentMessage[] = [];
  readonly history: HistoryRecord[] = [];

  constructor(
    readonly email: string,
    private readonly onAdded: (mailbox: Mailbox, message: GmailMessage) => void,
  ) {}

  add(m: NewMessage): GmailMessage {
    let id: string;
    do id = `1${randomBytes(8).toString('hex').slice(1)}`;
    while (this.find(id));
    this.historyId += 1n;
    const message: GmailMessage = { ...m, id, threadId: m.threadId ?? id, historyId: String(this.historyId) };
    this.messages.push(message);
    this.history.push({
      id: this.historyId,
      message: { id, threadId: message.threadId, labelIds: [...message.labelIds] },
    });
    this.onAdded(this, message);
    return message;
  }

  find(id: string): GmailMessage | undefined {
    return this.messages.find((m) => m.id === id);
  }

  startWatch(topicName: string, labelIds: string[], labelFilterBehavior: string): Watch {
    this.watch = {
      topicName,
      labelIds,
      labelFilterBehavior,
      expiration: Date.now() + WATCH_TTL_MS,
      historyId: String(this.historyId),
    };
    return this.watch;
  }

  /** Whether Gmail would publish a notification for this new message. */
  watchCovers(message: GmailMessage): boolean {
    const w = this.watch;
    if (!w || w.expiration <= Date.now()) return false;
    if (w.labelIds.length === 0) return true;
    const hit = message.labelIds.some((l) => w.labelIds.includes(l));
    return w.labelFilterBehavior === 'exclude' ? !hit : hit;
  }
}

/** A message arriving from outside; `m.headers` override the generated ones. */
export function inboundMessage(email: string, m: DeliverInput): NewMessage {
  const date = m.date ?? new Date();
  const generated = {
    From: m.from,
    To: m.to ?? email,
    Subject: m.subject,
    Date: date.toUTCString(),
    'Message-ID': `<emu.${randomBytes(10).toString('hex')}@mail.example.com>`,
  };
  const headers = new Map<string, { name: string; value: string }>();
  for (const [name, value] of [...Object.entries(generated), ...Object.entries(m.headers ?? {})])
    headers.set(name.toLowerCase(), { name, value });
  const body = m.body ?? '';
  return {
    labelIds: m.labelIds ?? ['INBOX', 'UNREAD', 'CATEGORY_PERSONAL'],
    snippet: m.snippet ?? body.replace(/\s+/g, ' ').trim().slice(0, 200),
    internalDate: String(date.getTime()),
    headers: [...headers.values()],
    body,
    sizeEstimate: Buffer.byteLength(body) + 512,
  };
}
