import type { FastifyInstance } from 'fastify';
import { requireAgentKey } from '../../shared/agent-auth';
import { answerErrors } from '../../shared/http-errors';
import type { StageDraft } from './domain/stage-draft';
import type { DraftView } from './domain/draft-view';
import {
  getEmailStatusInput,
  parseSendEmail,
  parseToolInput,
  SEND_HTTP_STATUS,
  stagedAnswer,
  stagedEmail,
} from './tool-contract';

export interface ToolApiOptions {
  apiKeys: readonly string[];
  stage: StageDraft;
  status(id: string): Promise<DraftView | undefined>;
}

/** The assistant's send_email tool (SPEC 6.4). Transport only: parse, call the use case, map the result. */
export default async function toolApiRoutes(app: FastifyInstance, opts: ToolApiOptions) {
  app.setErrorHandler(answerErrors(SEND_HTTP_STATUS));
  app.addHook('onRequest', requireAgentKey(opts.apiKeys));

  app.post('/api/tools/send-email', { bodyLimit: 512 * 1024 }, async (req, reply) => {
    const staged = await opts.stage(parseSendEmail(req.body));
    return reply.code(202).send(stagedAnswer(staged));
  });

  app.get('/api/tools/send-email/:id', (req) =>
    stagedEmail(opts.status, parseToolInput(getEmailStatusInput, req.params, 'id').id),
  );
}
