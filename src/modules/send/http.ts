import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppError } from '../../shared/errors';
import { safeEqual } from '../../shared/crypto';
import { answerErrors } from '../../shared/http-errors';
import { sendErrors, type SendErrorCode } from './domain/errors';
import type { StageDraft } from './domain/stage-draft';
import type { DraftView } from './domain/draft-view';
import { MAX_MAILBOX_INPUT_LENGTH } from './domain/addresses';

export interface ToolApiOptions {
  apiKeys: readonly string[];
  stage: StageDraft;
  status(id: string): Promise<DraftView | undefined>;
}

/** Capped before any parsing looks at it: address parsing never sees a long string. */
const addressString = z
  .string()
  .max(
    MAX_MAILBOX_INPUT_LENGTH,
    `must be at most ${MAX_MAILBOX_INPUT_LENGTH} characters: one address, optionally with a display name`,
  );

/** A single string is accepted as a one-element list (SPEC 6.4.1). */
const addressList = z
  .union([addressString, z.array(addressString).max(1000)])
  .transform((v) => (typeof v === 'string' ? [v] : v));

/** Exactly these fields: no from, on_behalf_of, headers or anything else. */
export const sendEmailBody = z.strictObject({
  trigger_message_ts: z
    .string()
    .regex(/^\d{6,12}\.\d{1,8}$/, 'must be the ts of a Slack message, e.g. 1712345678.123456'),
  channel_id: z
    .string()
    .regex(/^[A-Z0-9]{2,40}$/, 'must be a Slack channel id, e.g. C0123ABCD')
    .optional(),
  to: addressList,
  cc: addressList.optional(),
  bcc: addressList.optional(),
  subject: z.string(),
  body: z.string(),
});

/** The assistant's answer to each failure; the body is `{ error, message, ...details }`. */
export const SEND_HTTP_STATUS = {
  invalid_request: 400,
  unknown_field: 400,
  invalid_address: 400,
  too_many_recipients: 400,
  invalid_subject: 400,
  invalid_body: 400,
  body_too_large: 400,
  unknown_trigger: 404,
  ambiguous_trigger: 409,
  trigger_not_human: 403,
  trigger_too_old: 410,
  external_trigger: 403,
  not_connected: 409,
  connection_invalid: 409,
  rate_limited: 429,
  slack_unavailable: 502,
  not_found: 404,
} satisfies Record<SendErrorCode, number>;

const ACCEPTED = 'trigger_message_ts, to, cc, bcc, subject, body and channel_id';

/** An unknown field is reported before anything else: it is the likeliest sign of a confused caller. */
function badRequest(error: z.ZodError): AppError {
  const issue = error.issues.find((i) => i.code === 'unrecognized_keys') ?? error.issues[0];
  if (issue?.code === 'unrecognized_keys') {
    const field = issue.keys[0] ?? '';
    return sendErrors.fail('unknown_field', `unknown field "${field}": only ${ACCEPTED} are accepted`, {
      details: { field },
    });
  }
  // An empty path is the request body itself (not an object); "body" would name the email's body field.
  // Array items are named as the send checks name them: `to[0]`.
  const field =
    issue?.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('') ||
    '(request)';
  return sendErrors.fail('invalid_request', `${field}: ${issue?.message ?? 'is invalid'}`, {
    details: { field },
  });
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/** The key of an `Authorization: Bearer <key>` header; the pattern's parts never overlap (linear). */
export const bearerToken = (header: string | undefined) => /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];

/** The assistant's send_email tool (SPEC 6.4). Transport only: parse, call the use case, map the result. */
export default async function toolApiRoutes(app: FastifyInstance, opts: ToolApiOptions) {
  app.setErrorHandler(answerErrors(SEND_HTTP_STATUS));
  const keyDigests = opts.apiKeys.map(sha256);
  // Every configured key is compared, in constant time, whatever the outcome of the previous ones.
  const authorized = (req: FastifyRequest) => {
    const presented = bearerToken(req.headers.authorization);
    if (!presented) return false;
    const digest = sha256(presented);
    return keyDigests.reduce((ok, key) => safeEqual(digest, key) || ok, false);
  };
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (authorized(req)) return;
    return reply
      .code(401)
      .header('www-authenticate', 'Bearer')
      .send({ error: 'unauthorized', message: 'a valid bearer AGENT_API_KEY is required' });
  });

  app.post('/api/tools/send-email', { bodyLimit: 512 * 1024 }, async (req, reply) => {
    const parsed = sendEmailBody.safeParse(req.body);
    if (!parsed.success) throw badRequest(parsed.error);
    const b = parsed.data;
    const staged = await opts.stage({
      triggerTs: b.trigger_message_ts,
      channelId: b.channel_id,
      to: b.to,
      cc: b.cc ?? [],
      bcc: b.bcc ?? [],
      subject: b.subject,
      body: b.body,
    });
    return reply.code(202).send({
      status: 'pending_confirmation',
      id: staged.id,
      expires_at: staged.expiresAt.toISOString(),
      confirmation: staged.previewKind === 'dm' ? 'direct_message' : 'ephemeral',
    });
  });

  app.get<{ Params: { id: string } }>('/api/tools/send-email/:id', async (req) => {
    const view = z.uuid().safeParse(req.params.id).success ? await opts.status(req.params.id) : undefined;
    if (!view) throw sendErrors.fail('not_found', 'no staged email has this id');
    return view;
  });
}
