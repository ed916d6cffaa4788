import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createOAuthFlow } from './domain/oauth-flow';
import { createRevocations } from './domain/revocations';
import { createDisconnect } from './domain/disconnect';
import { describeStatus } from './domain/status';
import { PAIRING_TTL_MS } from './domain/pairing';
import { createPairingRepo } from './pairing-store';
import { createRevocationRepo } from './revocation-store';
import { findMailboxSummary } from './mailbox-summary';
import { connectPrompt } from './blocks';
import { registerConnectCommands } from './slack';
import { enqueueRevocation, registerRevocationJobs } from './jobs';
import oauthRoutes from './http/oauth';
import { isAppError } from '../../shared/errors';
import { createLookupClient, createSlackNames } from './slack-names';
import { createConnectPageLimits } from './page-limits';
import { addressMrkdwn } from '../../shared/mrkdwn';
import { createConnectionRepo, type Connection, type ConnectionRepo } from './connection-store';
import { createGoogleOAuth } from '../../shared/google-oauth';
import { createSlackMessenger, type SlackMessage } from '../../shared/slack-messenger';
import { createAccessTokens, type AccessTokens } from './domain/access-tokens';
import { createPairingService } from './domain/pairing';
import { createAuditRepo } from '../../shared/audit-store';
import { createConnectionEvents, type ConnectionReactions } from './connection-events';

const REVOCATION_TEXT = {
  revoked: ' and Google revoked it',
  pending: '; revoking it at Google will be retried in the background',
  kept_in_use: ' (the Google account stays authorized because another Slack user is connected to it)',
  token_unreadable: '',
} as const;

/** What the other modules use of a connection. */
export interface ConnectModule {
  connections: ConnectionRepo;
  accessTokens: AccessTokens;
  /** The connect (or notifications) prompt with a fresh pairing link and code. */
  prompt(teamId: string, userId: string, purpose: 'connect' | 'notifications'): Promise<SlackMessage>;
  /** Tells the person, once, that Google no longer accepts their connection. */
  tellInvalid(connection: Connection): Promise<void>;
  react(reactions: ConnectionReactions): void;
}

/** Connect, status, disconnect and the token lifecycle (SPEC 6.1–6.3). */
export default async function connectModule(app: FastifyInstance): Promise<ConnectModule> {
  const { config, clock, sealer } = app;
  const log = app.log.child({ component: 'connect' }) as Logger;
  const events = createConnectionEvents(app.log.child({ component: 'connections' }) as Logger);
  const connections = createConnectionRepo(app.prisma);
  const oauth = createGoogleOAuth(config);
  const messenger = createSlackMessenger(app.slack.client);
  const audit = createAuditRepo(app.prisma);
  const accessTokens = createAccessTokens({
    connections,
    sealer,
    oauth,
    clock,
    onInvalid: (connection) => events.emit('invalid', connection),
  });
  const pairings = createPairingRepo(app.prisma);
  const pairing = createPairingService({ pairings, clock, signingKey: config.GMAIL_OAUTH_STATE_SIGNING_KEY });
  const services = { clock, sealer, connections, oauth, messenger, accessTokens, pairing, audit };
  const revocationRepo = createRevocationRepo(app.prisma);
  const revocations = createRevocations({
    revocations: revocationRepo,
    sealer: services.sealer,
    clock: services.clock,
    revokeAtGoogle: (token) => services.oauth.revoke(token),
    accountInUse: (sub) => services.connections.hasActiveWithSub(sub),
    scheduleRetry: (id) => enqueueRevocation(app, id),
  });
  const tellUser = async (_teamId: string, userId: string, text: string) => {
    await services.messenger.dm(userId, { text });
  };

  const flow = createOAuthFlow({
    pairing: services.pairing,
    pairings,
    connections: services.connections,
    audit: services.audit,
    sealer: services.sealer,
    clock: services.clock,
    signingKey: config.GMAIL_OAUTH_STATE_SIGNING_KEY,
    notifyScope: config.GMAIL_NOTIFY_SCOPE,
    google: services.oauth,
    revoke: (p) => revocations.revokeNowOrLater(p),
    onReplaced: (old) => events.emit('ended', old),
    onConnected: async (connection, purpose) => {
      services.accessTokens.forget(connection.id);
      await revocationRepo.supersedeForAccount(connection.googleSub, services.clock.now());
      // A notifications grant adds a scope to the same account: confirmations already shown stay valid.
      if (purpose === 'notifications') await events.emit('notificationsGranted', connection);
      else await events.emit('connected', connection);
    },
    tellUser,
  });

  const disconnect = createDisconnect({
    connections: services.connections,
    audit: services.audit,
    clock: services.clock,
    revocations,
    openRefreshToken: (c) => services.accessTokens.openRefreshToken(c),
    endConnection: (c) => events.emit('ended', c),
    forgetAccessToken: (id) => services.accessTokens.forget(id),
  });

  // invalid_grant: tell the user exactly once how to reconnect.
  const tellInvalid = async (connection: Connection) => {
    await services.audit.record({
      teamId: connection.teamId,
      userId: connection.userId,
      kind: 'connection',
      result: 'invalid',
      reason: 'invalid_grant',
    });
    if (await services.connections.claimInvalidNotice(connection.id, services.clock.now())) {
      await tellUser(
        connection.teamId,
        connection.userId,
        `Your Gmail connection (${addressMrkdwn(connection.email)}) stopped working: Google no longer accepts it (access removed, password changed or expired). Run \`/ai-email-connect\` to reconnect.`,
      );
    }
  };

  const prompt = async (teamId: string, userId: string, purpose: 'connect' | 'notifications') => {
    const created = await pairing.create(teamId, userId, purpose);
    return connectPrompt({
      baseUrl: config.PUBLIC_BASE_URL,
      pairingId: created.id,
      code: created.code,
      purpose,
      minutes: PAIRING_TTL_MS / 60_000,
    });
  };

  registerConnectCommands(app.slack.app, {
    log,
    connectPrompt: (teamId, userId) => prompt(teamId, userId, 'connect'),
    async status(teamId, userId) {
      let connection = await services.connections.findByUser(teamId, userId);
      let problem: string | undefined;
      if (connection?.status === 'active') {
        // Status tells the truth about the grant: an access token is obtained (cached, or refreshed at Google).
        const checked = await services.accessTokens.forConnection(connection.id).catch((err: unknown) => err);
        if (checked instanceof Error) {
          const code = isAppError(checked) ? checked.code : 'unknown';
          if (code === 'connection_invalid') connection = await services.connections.findById(connection.id);
          else if (
            code === 'unknown_key_version' ||
            code === 'sealed_data_tampered' ||
            code === 'sealed_data_corrupt'
          )
            problem =
              'The stored credentials cannot be read (encryption key missing or data damaged). Run `/ai-email-connect` to reconnect.';
          else problem = 'Google could not be reached to check the connection just now.';
          if (problem) log.warn({ connectionId: connection?.id, code }, 'status check failed');
        }
      }
      const mailbox = connection ? await findMailboxSummary(app.prisma, connection.id) : undefined;
      const text = describeStatus(connection, mailbox, services.clock.now());
      return problem ? `${text}\n:warning: ${problem}` : text;
    },
    async disconnect(teamId, userId) {
      const result = await disconnect(teamId, userId);
      if (result.status === 'not_connected') return 'Gmail is not connected; there is nothing to disconnect.';
      return `Disconnected ${addressMrkdwn(result.email)}. Mailbridge forgot its access${REVOCATION_TEXT[result.revocation]}. Notifications are off and pending emails were cancelled.`;
    },
  });
  registerRevocationJobs(app, { revocations, repo: revocationRepo });

  await app.register(oauthRoutes, {
    signingKey: config.GMAIL_OAUTH_STATE_SIGNING_KEY,
    publicOrigin: new URL(config.PUBLIC_BASE_URL).origin,
    pairing: services.pairing,
    flow,
    names: createSlackNames({
      client: createLookupClient({ token: config.SLACK_BOT_TOKEN, apiUrl: config.SLACK_API_URL, log }),
      redis: app.redis,
      keyPrefix: config.REDIS_KEY_PREFIX,
      log,
    }),
    limits: createConnectPageLimits(app.redis, config.REDIS_KEY_PREFIX),
    secureCookies: config.PUBLIC_BASE_URL.startsWith('https://'),
    authOrigin: new URL(config.GOOGLE_OAUTH_AUTH_URL).origin,
    addressTrust: { onFly: config.FLY_APP_NAME !== undefined },
  });
  return { connections, accessTokens, prompt, tellInvalid, react: (r) => events.react(r) };
}
