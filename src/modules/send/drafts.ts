import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { RefreshHome } from '../../shared/home-refresh';
import { createDraftStore } from './draft-store';
import { homeRefreshing } from './home-changes';
import { registerOutcomeEvents } from './outcome-jobs';
import { createRecentEmails } from './recent-emails';
import { createDraftStatus } from './domain/draft-view';
import type { TriggerLookup } from './domain/ports';
import { createToolMemory } from './tool-memory';
import { stagedByRequest } from './staged-by-request';
import { hmacHex } from '../../shared/crypto';

/**
 * The draft store (outcome events and App Home told of changes), the owner's recent-emails read and the tool
 * API's remembered requests (Idempotency-Key, identical pending requests).
 */
export const sendDrafts = (
  app: FastifyInstance,
  log: Logger,
  refreshHome: RefreshHome,
  triggers: Pick<TriggerLookup, 'findByTs'>,
) => {
  const drafts = homeRefreshing(
    createDraftStore(app.prisma, app.sealer, registerOutcomeEvents(app, log)),
    refreshHome,
  );
  const memory = createToolMemory({
    prisma: app.prisma,
    // A key of its own, derived: the stored hashes cannot be compared with any signed state.
    hashKey: hmacHex(app.config.GMAIL_OAUTH_STATE_SIGNING_KEY, 'tool-request-hash-key'),
    clock: app.clock,
    status: createDraftStatus(drafts),
    staged: stagedByRequest(app.prisma, drafts, app.clock),
    channelOf: async (ts) => {
      const found = await triggers.findByTs(undefined, ts);
      return found.length === 1 ? found[0]!.channelId : undefined;
    },
  });
  return { drafts, recent: createRecentEmails(app.prisma, app.sealer), memory };
};
