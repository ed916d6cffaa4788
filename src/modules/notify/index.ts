import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createSync, SYNC_BATCH } from './domain/sync';
import { createMailboxControl } from './domain/mailbox-control';
import { createPushAuthenticator } from './domain/push-auth';
import { createPushIntake } from './domain/push-intake';
import { createRenewal } from './domain/renewal';
import type { ConnectModule } from '../connect';
import type { NotifyModule, RefreshHome } from './api';
import { createNotifyAdapters } from './adapters';
import { registerNotifyJobs } from './jobs';
import { registerNotifySlack, startNotifications } from './slack';
import pubsubRoutes from './http';
import { wireRules } from './rules-wiring';
export type { NotifyModule } from './api';

/** Composes the notify feature (SPEC 6.5): its routes, Slack listeners and jobs. */
export default async function notifyModule(
  app: FastifyInstance,
  connect: Pick<ConnectModule, 'connections' | 'accessTokens' | 'prompt'>,
  refreshHome: RefreshHome,
): Promise<NotifyModule> {
  const { config, clock } = app;
  const log = app.log.child({ component: 'notify' }) as Logger;
  const a = createNotifyAdapters(app, connect.accessTokens, log, refreshHome);
  const { mailboxes, schedule, owner, openGmail } = a;
  const base = { mailboxes, openGmail, clock, log, tell: owner.tell, scheduleSync: schedule.sync };
  const { prompt, connections } = connect;
  const topicName = config.GMAIL_PUBSUB_TOPIC;
  const rules = wireRules(app, a, log, refreshHome);

  const sync = createSync({
    ...base,
    ...a.announcer,
    ...SYNC_BATCH,
    ...a.syncPorts,
    rules: rules.hook,
  });
  const control = createMailboxControl({ ...base, topicName, findConnection: connections.findByUser });
  const renewal = createRenewal({
    ...base,
    topicName,
    safetySyncAfterHours: config.NOTIFY_SAFETY_SYNC_HOURS,
    scheduleRenewals: schedule.renew,
    countWatch: a.countWatch,
  });
  const authenticate = createPushAuthenticator(a.pushAuth);
  await app.register(pubsubRoutes, { authenticate, receive: createPushIntake(a.pushIntake), log });
  const switchNotifications = registerNotifySlack(app.slack.app, { control, prompt, clock, log });
  registerNotifyJobs(app, { sync, renewal, mailboxes, log });
  return {
    start: startNotifications({ control, prompt, dm: owner.dm }),
    connectionEnded: (connection) => control.connectionEnded(connection.id),
    connectionInvalid: (connection) => control.connectionInvalid(connection.id),
    switchNotifications,
    rules: rules.api,
  };
}
