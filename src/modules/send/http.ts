import type { FastifyInstance } from 'fastify';
import { requireAgentKey } from '../../shared/agent-auth';
import { answerErrors } from '../../shared/http-errors';
import type { StageDraft } from './domain/stage-draft';
import type { DraftView } from './domain/draft-view';
import { sendErrors, type SendErrorCode } from './domain/errors';
import {
  getEmailStatusInput,
  parseSendEmail,
  parseToolInput,
  SEND_HTTP_STATUS,
  stagedAnswer,
  stagedEmail,
} from './tool-contract';
import { idempotencyKey, type ToolAnswer, type ToolMemory } from './tool-memory';

export interface ToolApiOptions {
  apiKeys: readonly string[];
  stage: StageDraft;
  status(id: string): Promise<DraftView | undefined>;
  memory: ToolMemory;
}

/**
 * The refusals the request's body alone decides, so the same body always meets them: the only ones kept
 * under an Idempotency-Key, besides a staged draft. A refusal that depends on the person's or Slack's state
 * (not connected, trigger not seen yet, a missing scope...) is not kept: a retry after the fix stages.
 */
const BODY_REFUSALS: ReadonlySet<string> = new Set<SendErrorCode>([
  'invalid_request',
  'unknown_field',
  'invalid_address',
  'too_many_recipients',
  'invalid_subject',
  'invalid_body',
  'body_too_large',
  'body_too_long',
  'recipient_domain_blocked',
  'recipient_domain_not_allowed',
  'trigger_not_human',
  'trigger_too_old',
]);
const kept = (a: ToolAnswer) =>
  a.status === 202 || BODY_REFUSALS.has(String((a.body as { error?: unknown }).error));

/** A refusal is an answer (kept or not, as `kept` says); a passing failure is thrown. */
async function answerOf(run: () => Promise<ToolAnswer>): Promise<ToolAnswer> {
  try {
    return await run();
  } catch (err) {
    if (!sendErrors.is(err) || err.kind !== 'user') throw err;
    const body = { error: err.code, message: err.message, ...err.details };
    return { status: SEND_HTTP_STATUS[err.code], body };
  }
}

/** The assistant's send_email tool (SPEC 6.4). Transport only: parse, call the use case, map the result. */
export default async function toolApiRoutes(app: FastifyInstance, opts: ToolApiOptions) {
  app.setErrorHandler(answerErrors(SEND_HTTP_STATUS));
  app.addHook('onRequest', requireAgentKey(opts.apiKeys));
  const stage = opts.memory.dedupe(opts.stage);
  const stageAnswer = async (body: unknown): Promise<ToolAnswer> => {
    const staged = await stage(parseSendEmail(body));
    return { status: 202, body: stagedAnswer(staged), draftId: staged.id };
  };

  app.post('/api/tools/send-email', { bodyLimit: 512 * 1024 }, async (req, reply) => {
    const key = idempotencyKey(req.headers['idempotency-key']);
    if (key === undefined) {
      const answer = await stageAnswer(req.body);
      return reply.code(answer.status).send(answer.body);
    }
    const { memory } = opts;
    const answer = await memory.withKey(key, memory.bodyHash(req.body), kept, () =>
      answerOf(() => stageAnswer(req.body)),
    );
    if (answer.replayed) void reply.header('idempotent-replayed', 'true');
    // The very bytes of the first answer, replay or not.
    return reply.code(answer.status).type('application/json; charset=utf-8').send(answer.text);
  });

  app.get('/api/tools/send-email/:id', (req) =>
    stagedEmail(opts.status, parseToolInput(getEmailStatusInput, req.params, 'id').id),
  );
}
