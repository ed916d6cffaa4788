import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { RefreshHome } from '../../shared/home-refresh';
import { createDraftStore } from './draft-store';
import { homeRefreshing } from './home-changes';
import { registerOutcomeEvents } from './outcome-jobs';
import { createRecentEmails } from './recent-emails';

/** The draft store (outcome events and App Home told of changes) and the owner's recent-emails read. */
export const sendDrafts = (app: FastifyInstance, log: Logger, refreshHome: RefreshHome) => ({
  drafts: homeRefreshing(
    createDraftStore(app.prisma, app.sealer, registerOutcomeEvents(app, log)),
    refreshHome,
  ),
  recent: createRecentEmails(app.prisma, app.sealer),
});
