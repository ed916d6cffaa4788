import fp from 'fastify-plugin';
import type { Logger } from 'pino';
import { createSealer, type Sealer } from '../shared/crypto';
import { systemClock, type Clock } from '../shared/clock';
import {
  createConnectionRepo,
  type Connection,
  type ConnectionRepo,
} from '../modules/connect/connection-store';
import { createGoogleOAuth, type GoogleOAuth } from '../shared/google-oauth';
import { createGmailFactory, type GmailFactory } from '../shared/gmail';
import { createSlackMessenger, type SlackMessenger } from '../shared/slack-messenger';
import { createAccessTokens, type AccessTokens } from '../modules/connect/domain/access-tokens';
import { createPairingService, type PairingService } from '../modules/connect/domain/pairing';
import { createPairingRepo } from '../modules/connect/pairing-store';
import { createAuditRepo, type AuditRepo } from '../shared/audit-store';

export type ConnectionHook = (connection: Connection) => Promise<void>;

/**
 * What one feature must tell the others when a connection changes. Features subscribe at start-up
 * (e.g. confirmations are invalidated on every change, the watch is stopped when a connection ends).
 */
export interface ConnectionHooks {
  /** A (re)connect finished: pending confirmations of the previous grant must not be sent. */
  connected: ConnectionHook[];
  /** Disconnect or replacement by another account: stop everything tied to the old grant. */
  ended: ConnectionHook[];
  /** Google refused the grant (`invalid_grant`): stop work; the user is told once. */
  invalid: ConnectionHook[];
  /** The user granted the notification scope through the connect flow: start the watch. */
  notificationsGranted: ConnectionHook[];
}

export interface Services {
  clock: Clock;
  sealer: Sealer;
  connections: ConnectionRepo;
  oauth: GoogleOAuth;
  gmail: GmailFactory;
  messenger: SlackMessenger;
  accessTokens: AccessTokens;
  pairing: PairingService;
  audit: AuditRepo;
  hooks: ConnectionHooks;
  runHooks(kind: keyof ConnectionHooks, connection: Connection): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

export default fp(
  async (app, opts: { clock?: Clock }) => {
    const log = app.log.child({ component: 'connections' }) as Logger;
    const clock = opts.clock ?? systemClock;
    const hooks: ConnectionHooks = { connected: [], ended: [], invalid: [], notificationsGranted: [] };
    const runHooks = async (kind: keyof ConnectionHooks, connection: Connection) => {
      for (const hook of hooks[kind]) {
        // One failing subscriber must not stop the others (e.g. Slack down while stopping a watch).
        await hook(connection).catch((err) =>
          log.error({ err, kind, connectionId: connection.id }, 'connection hook failed'),
        );
      }
    };
    const connections = createConnectionRepo(app.prisma);
    const sealer = createSealer(app.config.encryptionKeys);
    const oauth = createGoogleOAuth(app.config);
    const services: Services = {
      clock,
      sealer,
      connections,
      oauth,
      gmail: createGmailFactory(app.config),
      messenger: createSlackMessenger(app.slack.client),
      accessTokens: createAccessTokens({
        connections,
        sealer,
        oauth,
        clock,
        onInvalid: (connection) => runHooks('invalid', connection),
      }),
      pairing: createPairingService({
        pairings: createPairingRepo(app.prisma),
        clock,
        signingKey: app.config.GMAIL_OAUTH_STATE_SIGNING_KEY,
      }),
      audit: createAuditRepo(app.prisma),
      hooks,
      runHooks,
    };
    app.decorate('services', services);
  },
  { name: 'services', dependencies: ['prisma', 'slack'] },
);
