import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { RefreshHome } from '../../shared/home-refresh';
import {
  createDigestDelivery,
  createRulesHook,
  giveUpDigest,
  replanHeld,
  type HeldDeps,
} from './domain/held-delivery';
import type { NotificationRules } from './domain/rules';
import { createRulesEditing } from './domain/rules-editing';
import type { createNotifyAdapters } from './adapters';
import { createDigestScheduler, registerHeldJobs } from './held-jobs';
import { RULES_ACTION_ID, rulesSummary } from './rules-blocks';
import { registerRulesSlack } from './rules-slack';
import { createHeldRepo, createRulesRepo } from './rules-store';
import type { NotifyModule } from './api';

/** Notification rules: the store, the sync's hook, digests of held mail, the modal and its jobs. */
export function wireRules(
  app: FastifyInstance,
  a: ReturnType<typeof createNotifyAdapters>,
  log: Logger,
  refreshHome: RefreshHome,
) {
  const timeZoneOf = async (_teamId: string, userId: string): Promise<string | undefined> => {
    try {
      const res = await app.slack.client.users.info({ user: userId });
      return res.user?.tz || undefined;
    } catch (err) {
      log.warn({ err: { message: (err as Error).message } }, 'time zone not read from Slack');
      return undefined;
    }
  };
  const scheduleDigest = createDigestScheduler(app);
  const held = createHeldRepo(app.prisma, app.sealer);
  const deps: HeldDeps = {
    mailboxes: a.mailboxes,
    clock: app.clock,
    log,
    rules: createRulesRepo(app.prisma, app.sql),
    held,
    timeZoneOf,
    scheduleDigest,
    publish: a.publish,
  };
  const replan = async (teamId: string, userId: string, rules: NotificationRules) => {
    const mailbox = await app.prisma.mailbox.findFirst({ where: { teamId, userId }, select: { id: true } });
    if (mailbox) await replanHeld(deps, mailbox.id, rules);
  };
  const editing = createRulesEditing({ ...deps, refreshHome, replan });
  registerRulesSlack(app.slack.app, { editing, log });
  const notified = async (mailbox: { id: string; teamId: string; userId: string }, at: Date) => {
    await app.prisma.mailbox.updateMany({ where: { id: mailbox.id }, data: { lastNotifiedAt: at } });
    refreshHome(mailbox.teamId, mailbox.userId);
  };
  registerHeldJobs(app, {
    deliver: createDigestDelivery({ ...deps, ...a.announcer, notified }),
    giveUp: (mailboxId, until, err) => giveUpDigest(deps, mailboxId, until, err),
    held,
    scheduleDigest,
    log,
  });
  const api: NonNullable<NotifyModule['rules']> = {
    summary: async (teamId, userId) => rulesSummary(await editing.current(teamId, userId)),
    editButton: () => ({ action_id: RULES_ACTION_ID, value: 'rules' }),
  };
  return { hook: createRulesHook(deps), api };
}
