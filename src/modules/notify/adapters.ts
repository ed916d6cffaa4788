import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ConnectModule } from '../connect';
import { createAddressRoutes, forgettingRoutes } from './address-routes';
import { createAgentPublisher } from './agent-events';
import type { PushAuthDeps } from './domain/push-auth';
import type { PushIntakeDeps } from './domain/push-intake';
import { createGmailOpener } from './gmail';
import { createGmailPacing } from './gmail-pacing';
import { createNotifyScheduler } from './jobs';
import { createMailboxRepo } from './mailbox-store';
import { createOwnerDm } from './owner-dm';
import { createPushDedupe } from './push-dedupe';
import { createPushedHistory } from './pushed-history';
import { createPushTokenVerifier } from './push-token-verifier';
import { cachingVerifier } from './verified-token-cache';
import { createSlackAnnouncer } from './slack-announcer';
import { homeRefreshing } from './home-changes';
import type { RefreshHome } from '../../shared/home-refresh';

/** Everything notify's use cases reach outside themselves through, with the settings they need. */
export function createNotifyAdapters(
  app: FastifyInstance,
  accessTokens: ConnectModule['accessTokens'],
  log: Logger,
  refreshHome: RefreshHome,
) {
  const { config, clock } = app;
  const store = createMailboxRepo(app.prisma, app.sql);
  const routes = createAddressRoutes({
    redis: app.redis,
    keyPrefix: config.REDIS_KEY_PREFIX,
    source: store,
    now: () => clock.now(),
    onTouchError: (err) =>
      log.warn({ err: { message: (err as Error).message } }, 'last push time not recorded'),
  });
  const mailboxes = homeRefreshing(forgettingRoutes(store, routes), refreshHome);
  const schedule = createNotifyScheduler(app);
  /** Pushes are Pub/Sub's for our audience: Google's signature, then the claims (domain/push-auth). */
  const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);
  const pushAuth: PushAuthDeps = {
    audience: config.GMAIL_PUSH_AUDIENCE,
    serviceAccount: config.GMAIL_PUSH_SERVICE_ACCOUNT,
    verifySignature: cachingVerifier(createPushTokenVerifier(config), { nowSeconds }),
    nowSeconds,
  };
  const publish = createAgentPublisher(app, log);
  const pushed = createPushedHistory(app.redis, config.REDIS_KEY_PREFIX);
  /** A push is recorded as a sync of every enabled mailbox of the address (domain/push-intake). */
  const pushIntake: PushIntakeDeps = {
    dedupe: createPushDedupe(app.redis, config.REDIS_KEY_PREFIX),
    touchMailboxes: routes.mailboxesOf,
    raisePushed: pushed.raise,
    enqueueSync: schedule.afterPush,
  };
  return {
    mailboxes,
    schedule,
    owner: createOwnerDm(app),
    openGmail: createGmailOpener(
      app,
      accessTokens,
      createGmailPacing({
        redis: app.redis,
        keyPrefix: config.REDIS_KEY_PREFIX,
        watchPerSecond: config.GMAIL_WATCH_RATE_PER_SECOND,
        userUnitsPerSecond: config.GMAIL_USER_QUOTA_UNITS_PER_SECOND,
      }),
    ),
    announcer: createSlackAnnouncer(app, log),
    publish,
    countWatch: (outcome: 'renewed' | 'lapsed' | 'failed') => app.metrics.watchExpiries.inc({ outcome }),
    pushAuth,
    pushIntake,
    /** What a sync reaches besides the mailbox store, Gmail and Slack (domain/sync). */
    syncPorts: {
      publish,
      pushedUpTo: pushed.highest,
      scheduleRecheck: schedule.recheck,
      digestThreshold: config.NOTIFY_DIGEST_THRESHOLD,
    },
  };
}
