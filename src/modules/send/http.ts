import type { FastifyInstance } from 'fastify';
import { requireAgentKey } from '../../shared/agent-auth';
import { answerErrors } from '../../shared/http-errors';
import type { SendErrorCode } from './domain/errors';
import type { StageDraft } from './domain/stage-draft';
import type { DraftView } from './domain/draft-view';
import { parseSendEmail, stagedAnswer, stagedEmail } from './tool-contract';

export interface ToolApiOptions {
  apiKeys: readonly string[];
  stage: StageDraft;
  status(id: string): Promise<DraftView | undefined>;
}

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
  scope_missing: 409,
  reply_not_found: 404,
  reply_unreadable: 502,
  not_found: 404,
} satisfies Record<SendErrorCode, number>;

/** The assistant's send_email tool (SPEC 6.4). Transport only: parse, call the use case, map the result. */
export default async function toolApiRoutes(app: FastifyInstance, opts: ToolApiOptions) {
  app.setErrorHandler(answerErrors(SEND_HTTP_STATUS));
  app.addHook('onRequest', requireAgentKey(opts.apiKeys));

  app.post('/api/tools/send-email', { bodyLimit: 512 * 1024 }, async (req, reply) => {
    const staged = await opts.stage(parseSendEmail(req.body));
    return reply.code(202).send(stagedAnswer(staged));
  });

  app.get<{ Params: { id: string } }>('/api/tools/send-email/:id', (req) =>
    stagedEmail(opts.status, req.params.id),
  );
}
