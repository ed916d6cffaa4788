import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createAuditRepo } from '../../shared/audit-store';
import { createGoogleOAuth } from './google-oauth';
import { createSlackMessenger } from '../../shared/slack-messenger';
import { createConnectionEvents } from './connection-events';
import { createConnectionRepo } from './connection-store';
import { createMailboxSummaries } from './mailbox-summary';
import { createPairingRepo } from './pairing-store';
import { createNotices } from './replies';
import { createRevocationRepo } from './revocation-store';

/** Everything connect's use cases reach outside themselves through, with the settings they need. */
export function createConnectAdapters(app: FastifyInstance) {
  const { config, prisma } = app;
  return {
    connections: createConnectionRepo(prisma),
    pairings: createPairingRepo(prisma),
    revocationStore: createRevocationRepo(prisma),
    mailboxes: createMailboxSummaries(prisma),
    audit: createAuditRepo(prisma),
    google: createGoogleOAuth(config),
    notices: createNotices(createSlackMessenger(app.slack.client)),
    events: createConnectionEvents(app.log.child({ component: 'connections' }) as Logger),
    sealer: app.sealer,
    clock: app.clock,
    signingKey: config.GMAIL_OAUTH_STATE_SIGNING_KEY,
    notifyScope: config.GMAIL_NOTIFY_SCOPE,
    allowSharedMailboxes: config.ALLOW_SHARED_MAILBOXES,
  };
}
