import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createConnectAdapters } from './adapters';
import type { ConnectModule } from './api';
import { createPrompter } from './blocks';
import { createAccessTokens } from './domain/access-tokens';
import { createDisconnect } from './domain/disconnect';
import { createTellInvalid } from './domain/invalid-notice';
import { createOAuthFlow } from './domain/oauth-flow';
import { createPairingService } from './domain/pairing';
import { createRevocations } from './domain/revocations';
import { createCheckStatus } from './domain/status';
import oauthRoutes from './http/oauth';
import { oauthRouteDeps } from './http/oauth-deps';
import { enqueueRevocation, registerRevocationJobs } from './jobs';
import { disconnectText } from './replies';
import { registerConnectSlack } from './slack';

export type { ConnectModule } from './api';

/** Connect, status, disconnect and the token lifecycle (SPEC 6.1–6.3). */
export default async function connectModule(app: FastifyInstance): Promise<ConnectModule> {
  const log = app.log.child({ component: 'connect' }) as Logger;
  const a = createConnectAdapters(app);
  const accessTokens = createAccessTokens({ ...a, onInvalid: (c) => a.events.emit('invalid', c) });
  const pairing = createPairingService(a);
  const revocations = createRevocations({ ...a, scheduleRetry: (id) => enqueueRevocation(app, id) });
  const flow = createOAuthFlow({ ...a, pairing, revocations, accessTokens });
  const disconnect = createDisconnect({ ...a, revocations, accessTokens });
  const checkStatus = createCheckStatus({ ...a, accessTokens });
  const prompt = createPrompter(pairing, app.config.PUBLIC_BASE_URL);

  registerConnectSlack(app.slack.app, { log, prompt, checkStatus, disconnect });
  registerRevocationJobs(app, { revocations, store: a.revocationStore });
  await app.register(oauthRoutes, oauthRouteDeps(app, { ...a, pairing, flow, log }));

  return {
    connections: a.connections,
    accessTokens,
    mailboxes: a.mailboxes,
    prompt,
    tellInvalid: createTellInvalid(a),
    disconnect: async (teamId, userId) => ({ text: disconnectText(await disconnect(teamId, userId)) }),
    react: (reactions) => a.events.react(reactions),
    purgeExpiredPairings: (before) => a.pairings.purgeExpired(before),
  };
}
