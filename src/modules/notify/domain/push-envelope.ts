import { z } from 'zod';
import { parseHistoryId } from './history-id';

/** Gmail's payloads are a few hundred bytes; anything near this is not from Gmail. */
export const MAX_PUSH_BYTES = 16 * 1024;

const envelopeSchema = z.object({
  message: z
    .object({
      data: z.string().min(1).max(4096),
      messageId: z.string().min(1).max(128).optional(),
      message_id: z.string().min(1).max(128).optional(),
    })
    .refine((m) => m.messageId ?? m.message_id, 'messageId is required'),
  subscription: z.string().max(512).optional(),
});

const dataSchema = z.object({
  emailAddress: z.string().trim().toLowerCase().max(254).pipe(z.email()),
  historyId: z.union([z.number(), z.string()]),
});

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
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) return { ok: false, reason: 'envelope' };
  let inner: unknown;
  try {
    inner = JSON.parse(Buffer.from(envelope.data.message.data, 'base64').toString('utf8'));
  } catch {
    return { ok: false, reason: 'data_not_json' };
  }
  const data = dataSchema.safeParse(inner);
  if (!data.success) return { ok: false, reason: 'data' };
  const historyId = parseHistoryId(data.data.historyId);
  if (historyId === undefined) return { ok: false, reason: 'history_id' };
  const messageId = (envelope.data.message.messageId ?? envelope.data.message.message_id) as string;
  return { ok: true, push: { messageId, emailAddress: data.data.emailAddress, historyId } };
}
