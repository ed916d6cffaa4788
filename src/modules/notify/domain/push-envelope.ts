import { z } from 'zod';
import { parseHistoryId } from './history-id';

/** Gmail's payloads are a few hundred bytes; anything near this is not from Gmail. */
export const MAX_PUSH_BYTES = 16 * 1024;

/** Zod's own email pattern, as `z.email()` checks it. */
const EMAIL = z.regexes.email;

type Fields = Record<string, unknown>;
/** A plain object, as `z.object` accepts one (not null, not an array). */
const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Absent, or a string of `min`..`max` characters (`z.string().min().max().optional()`). */
const optionalString = (v: unknown, min: number, max: number) =>
  v === undefined || (typeof v === 'string' && v.length >= min && v.length <= max);

/**
 * The envelope's rules, written out rather than run through zod schemas: this runs on every push and
 * schema parsing was a fifth of the route's own CPU. Same rules: `message.data` 1..4096 characters,
 * `messageId` or `message_id` 1..128, `subscription` at most 512, other fields ignored.
 */
function readEnvelope(json: unknown): { data: string; messageId: string } | undefined {
  if (!isObject(json) || !isObject(json.message)) return undefined;
  const { data, messageId, message_id } = json.message;
  if (typeof data !== 'string' || data.length < 1 || data.length > 4096) return undefined;
  if (!optionalString(messageId, 1, 128) || !optionalString(message_id, 1, 128)) return undefined;
  if (!optionalString(json.subscription, 0, 512)) return undefined;
  const id = (messageId ?? message_id) as string | undefined;
  return id ? { data, messageId: id } : undefined;
}

/** Gmail's notification: the address trimmed and lower-cased, at most 254 characters, an email. */
function readData(inner: unknown): { emailAddress: string; historyId: number | string } | undefined {
  if (!isObject(inner) || typeof inner.emailAddress !== 'string') return undefined;
  const emailAddress = inner.emailAddress.trim().toLowerCase();
  if (emailAddress.length > 254 || !EMAIL.test(emailAddress)) return undefined;
  const { historyId } = inner;
  if (typeof historyId !== 'number' && typeof historyId !== 'string') return undefined;
  // JSON numbers beyond a double's range parse as Infinity, which zod's number refused as data too.
  if (typeof historyId === 'number' && !Number.isFinite(historyId)) return undefined;
  return { emailAddress, historyId };
}

export interface GmailPush {
  messageId: string;
  emailAddress: string;
  historyId: bigint;
}

export type ParsedPush = { ok: true; push: GmailPush } | { ok: false; reason: string };

/** Parses a Pub/Sub push envelope carrying a Gmail notification; never throws. */
export function parsePushEnvelope(body: Buffer | string | undefined): ParsedPush {
  if (body === undefined || body.length === 0) return { ok: false, reason: 'empty' };
  if (body.length > MAX_PUSH_BYTES) return { ok: false, reason: 'oversized' };
  let json: unknown;
  try {
    json = JSON.parse(body.toString());
  } catch {
    return { ok: false, reason: 'not_json' };
  }
  const envelope = readEnvelope(json);
  if (!envelope) return { ok: false, reason: 'envelope' };
  let inner: unknown;
  try {
    inner = JSON.parse(Buffer.from(envelope.data, 'base64').toString('utf8'));
  } catch {
    return { ok: false, reason: 'data_not_json' };
  }
  const data = readData(inner);
  if (!data) return { ok: false, reason: 'data' };
  const historyId = parseHistoryId(data.historyId);
  if (historyId === undefined) return { ok: false, reason: 'history_id' };
  return { ok: true, push: { messageId: envelope.messageId, emailAddress: data.emailAddress, historyId } };
}
