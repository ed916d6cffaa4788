import { sendErrors } from './domain/errors';
import type { StageRequest } from './domain/stage-draft';

const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;

/** The Idempotency-Key header: absent, or 1 to 255 printable ASCII characters (400 otherwise). */
export function idempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !IDEMPOTENCY_KEY.test(header)) {
    throw sendErrors.fail(
      'invalid_idempotency_key',
      'the Idempotency-Key header must be one value of 1 to 255 printable ASCII characters',
      { details: { field: 'Idempotency-Key' } },
    );
  }
  return header;
}

/** JSON with object keys sorted at every level: two bodies that differ only in key order or spacing are one. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * What makes two send_email requests identical: the trigger (its channel as resolved when the request
 * names none) and the content, field by field (an absent cc or bcc is the empty list).
 */
export const requestIdentity = (r: StageRequest, channel = r.channelId) =>
  canonicalJson({
    trigger: [r.triggerTs, channel ?? null],
    to: r.to,
    cc: r.cc ?? [],
    bcc: r.bcc ?? [],
    subject: r.subject,
    body: r.body,
    in_reply_to: r.inReplyTo ?? null,
  });
