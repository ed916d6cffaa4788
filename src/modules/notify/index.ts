import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createPushAuthenticator } from './domain/push-auth';
import { createPushIntake } from './domain/push-intake';
import { createSync } from './domain/sync';
import { createMailboxControl } from './domain/mailbox-control';
import { createRenewal } from './domain/renewal';
import { describeNotifications } from './domain/status-text';
import { newMailEvent } from './domain/agent-event';
import type { MailboxRecord } from './domain/types';
import type { ConnectModule } from '../connect';
import type { Connection } from '../connect/connection-store';
import { createGmailFactory } from '../../shared/gmail';
import { createSlackMessenger } from '../../shared/slack-messenger';
import { createGoogleOAuth } from '../../shared/google-oauth';
import { createMailboxRepo } from './mailbox-store';
import { createPushDedupe } from './push-dedupe';
import { createNotifyGmail } from './gmail';
import { createAgentEvents } from './agent-events';
import { READ_SCOPES } from '../../shared/google-oauth';
import type { SlackMessage } from '../../shared/slack-messenger';
import { createNotifyScheduler, registerNotifyJobs } from './jobs';
import { registerNotifyCommands } from './slack';
import { slackError } from './slack-errors';
import { disableReply, enableReply } from './replies';
import pubsubRoutes from './http';
import { createNotifyAnnouncer } from './announce';

const HEADER_FETCH_CONCURRENCY = 4;
const BACKFILL_SIZE = 20;
const NOTIFIED_RETENTION_MS = 90 * 24 * 3_600_000;

/** What the other modules use of notify. */
export interface NotifyModule {
  /** The person granted the notification scope: start the watch and tell them. */
  start(connection: Connection): Promise<void>;
  connectionEnded(connection: Connection): Promise<void>;
  connectionInvalid(connection: Connection): Promise<void>;
}

/** Composes the notify feature (SPEC 6.5): its routes, Slack listeners and jobs. */
export default async function notifyModule(
  app: FastifyInstance,
  connect: Pick<ConnectModule, 'connections' | 'accessTokens' | 'prompt'>,
): Promise<NotifyModule> {
  const { config, metrics, clock } = app;
  const services = {
    connections: connect.connections,
    accessTokens: connect.accessTokens,
    gmail: createGmailFactory(config),
    messenger: createSlackMessenger(app.slack.client),
    oauth: createGoogleOAuth(config),
  };
  const log = app.log.child({ component: 'notify' }) as Logger;
  const mailboxes = createMailboxRepo(app.prisma);
  const retry = { baseMs: config.NOTIFY_RETRY_BASE_MS, retries: config.NOTIFY_RETRY_ATTEMPTS };
  const schedule = createNotifyScheduler(app.queues.notify, retry);
  const openGmail = async (connectionId: string) => {
    const { accessToken } = await services.accessTokens.forConnection(connectionId);
    return createNotifyGmail(services.gmail(accessToken), (err) => {
      metrics.apiErrors.inc({ service: 'gmail', kind: err.code });
      // A rejected access token is dropped so the retry refreshes it (or meets invalid_grant).
      if (err.code === 'gmail_unauthorized') services.accessTokens.forget(connectionId);
    });
  };
  const slackCall = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (err) {
      const mapped = slackError(err);
      metrics.apiErrors.inc({ service: 'slack', kind: mapped.code });
      throw mapped;
    }
  };
  const dm = async (userId: string, message: SlackMessage) => {
    await slackCall(() => services.messenger.dm(userId, message));
  };
  const tellUser = (mailbox: MailboxRecord, text: string) => dm(mailbox.userId, { text });
  const agentEvents =
    config.AGENT_EVENTS_URL && config.AGENT_EVENTS_SECRET
      ? createAgentEvents({
          url: config.AGENT_EVENTS_URL,
          secret: config.AGENT_EVENTS_SECRET,
          timeoutMs: config.HTTP_TIMEOUT_MS,
        })
      : undefined;
  const base = { mailboxes, openGmail, clock, log };

  const sync = createSync({
    ...base,
    ...createNotifyAnnouncer(app, log, slackCall),
    tellUser,
    async publish(mailbox, mail) {
      await agentEvents?.(newMailEvent(mailbox, mail, clock.now())).catch((err: unknown) => {
        metrics.apiErrors.inc({ service: 'agent_events', kind: 'post_failed' });
        log.warn(
          { err: { message: (err as Error).message }, mailboxId: mailbox.id },
          'agent event not delivered',
        );
      });
    },
    scheduleRecheck: (id, historyId) =>
      schedule.sync(id, { historyId, recheck: true, delayMs: config.NOTIFY_RECHECK_DELAY_MS }),
    digestThreshold: config.NOTIFY_DIGEST_THRESHOLD,
    fetchConcurrency: HEADER_FETCH_CONCURRENCY,
    backfillSize: BACKFILL_SIZE,
  });
  const control = createMailboxControl({
    ...base,
    findConnection: (teamId, userId) => services.connections.findByUser(teamId, userId),
    topicName: config.GMAIL_PUBSUB_TOPIC,
    readScopes: READ_SCOPES,
    scheduleSync: (id) => schedule.sync(id),
  });
  const renewal = createRenewal({
    ...base,
    topicName: config.GMAIL_PUBSUB_TOPIC,
    safetySyncAfterMs: config.NOTIFY_SAFETY_SYNC_HOURS * 3_600_000,
    scheduleSync: (id) => schedule.sync(id),
    scheduleRenewal: (id) => schedule.renew(id),
    tellUser,
    countWatch: (outcome) => metrics.watchExpiries.inc({ outcome }),
  });

  await app.register(pubsubRoutes, {
    authenticate: createPushAuthenticator({
      audience: config.GMAIL_PUSH_AUDIENCE,
      serviceAccount: config.GMAIL_PUSH_SERVICE_ACCOUNT,
      verifySignature: (token, audience) => services.oauth.verifyPushToken(token, audience),
      nowSeconds: () => Math.floor(clock.now().getTime() / 1000),
    }),
    receive: createPushIntake({
      dedupe: createPushDedupe(app.redis, config.REDIS_KEY_PREFIX),
      touchMailboxes: (email) => mailboxes.touchPushByEmail(email, clock.now()),
      enqueueSync: (id, historyId) => schedule.sync(id, { historyId }),
    }),
    metrics,
    log,
  });

  const prompt = (teamId: string, userId: string) => (purpose: 'connect' | 'notifications') =>
    connect.prompt(teamId, userId, purpose);
  registerNotifyCommands(app.slack.app, {
    log,
    on: async (teamId, userId) => enableReply(await control.enable(teamId, userId), prompt(teamId, userId)),
    off: async (teamId, userId) => disableReply(await control.disable(teamId, userId)),
    status: async (teamId, userId) => {
      const { connection, mailbox } = await control.mailboxOf(teamId, userId);
      return { text: describeNotifications(connection, mailbox, clock.now()) };
    },
  });

  registerNotifyJobs(app, {
    sync,
    renewal,
    retry,
    maintainEveryMs: config.NOTIFY_MAINTAIN_INTERVAL_MS,
    purgeNotified: () =>
      mailboxes.purgeNotifiedBefore(new Date(clock.now().getTime() - NOTIFIED_RETENTION_MS)),
    log,
  });
  return {
    async start(connection) {
      const result = await control.enableConnection(connection);
      await dm(connection.userId, await enableReply(result, prompt(connection.teamId, connection.userId)));
    },
    connectionEnded: (connection) => control.connectionEnded(connection.id),
    connectionInvalid: (connection) => control.connectionInvalid(connection.id),
  };
}
