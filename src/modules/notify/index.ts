import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createSync, SYNC_BATCH } from './domain/sync';
import { createMailboxControl } from './domain/mailbox-control';
import { createRenewal } from './domain/renewal';
import type { ConnectModule } from '../connect';
import type { NotifyModule } from './api';
import { createMailboxRepo } from './mailbox-store';
import { createGmailOpener } from './gmail';
import { createAgentPublisher } from './agent-events';
import { createOwnerDm } from './owner-dm';
import { createSlackAnnouncer } from './slack-announcer';
import { createNotifyScheduler, registerNotifyJobs } from './jobs';
import { registerNotifySlack, startNotifications } from './slack';
import { registerPushRoutes } from './http';

export type { NotifyModule } from './api';

/** Composes the notify feature (SPEC 6.5): its routes, Slack listeners and jobs. */
export default async function notifyModule(
  app: FastifyInstance,
  connect: Pick<ConnectModule, 'connections' | 'accessTokens' | 'prompt'>,
): Promise<NotifyModule> {
  const { config, clock } = app;
  const log = app.log.child({ component: 'notify' }) as Logger;
  const mailboxes = createMailboxRepo(app.prisma);
  const schedule = createNotifyScheduler(app);
  const owner = createOwnerDm(app);
  const openGmail = createGmailOpener(app, connect.accessTokens);
  const base = { mailboxes, openGmail, clock, log, tell: owner.tell, scheduleSync: schedule.sync };
  const { prompt, connections } = connect;
  const topicName = config.GMAIL_PUBSUB_TOPIC;

  const sync = createSync({
    ...base,
    ...createSlackAnnouncer(app, log),
    ...SYNC_BATCH,
    publish: createAgentPublisher(app, log),
    scheduleRecheck: schedule.recheck,
    digestThreshold: config.NOTIFY_DIGEST_THRESHOLD,
  });
  const findConnection = connections.findByUser;
  const control = createMailboxControl({ ...base, topicName, findConnection });
  const renewal = createRenewal({
    ...base,
    topicName,
    safetySyncAfterMs: config.NOTIFY_SAFETY_SYNC_HOURS * 3_600_000,
    scheduleRenewal: schedule.renew,
    countWatch: (outcome) => app.metrics.watchExpiries.inc({ outcome }),
  });

  await registerPushRoutes(app, { mailboxes, schedule, log });
  registerNotifySlack(app.slack.app, { control, prompt, clock, log });
  registerNotifyJobs(app, { sync, renewal, mailboxes, log });
  return {
    start: startNotifications({ control, prompt, dm: owner.dm }),
    connectionEnded: (connection) => control.connectionEnded(connection.id),
    connectionInvalid: (connection) => control.connectionInvalid(connection.id),
  };
}
