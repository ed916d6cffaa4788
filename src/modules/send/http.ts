import type { FastifyInstance } from 'fastify';
import { requireAgentKey } from '../../shared/agent-auth';
import { answerErrors } from '../../shared/http-errors';
import type { StageDraft } from './domain/stage-draft';
import type { DraftView } from './domain/draft-view';
import { sendErrors } from './domain/errors';
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

/** A refusal the same request would meet again is an answer to remember; a passing failure is not. */
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
    const answer = await memory.withKey(
      key,
      memory.bodyHash(req.body),
      (a) => a.status < 500,
      () => answerOf(() => stageAnswer(req.body)),
    );
    if (answer.replayed) void reply.header('idempotent-replayed', 'true');
    return reply.code(answer.status).send(answer.body);
  });

  app.get('/api/tools/send-email/:id', (req) =>
    stagedEmail(opts.status, parseToolInput(getEmailStatusInput, req.params, 'id').id),
  );
}
