import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { SendModule, SendNeeds } from './api';
export type { SendModule } from './api';
import { createSendUseCases } from './domain/send-use-cases';
import { clickReplyMessage } from './click-replies';
import { sendDrafts } from './drafts';
import { failureText } from './failure-texts';
import { createGmailSender } from './gmail';
import toolApiRoutes from './http';
import { createSendQueue, registerSendJobs } from './jobs';
import { createPreviewDelivery } from './preview-delivery';
import { createSendLimits } from './send-limits';
import { recipientMarking } from './recipient-history';
import { senderTokens } from './sender-tokens';
import { sendSettings } from './settings';
import { registerSendActions } from './slack';

/** Composes the send feature: its adapters, use cases, routes, Slack listeners and jobs. */
export default async function sendModule(
  app: FastifyInstance,
  { connect, triggers, refreshHome }: SendNeeds,
): Promise<SendModule> {
  const { config } = app;
  const s = sendSettings(config);
  const log = app.log.child({ component: 'send' }) as Logger;
  const { drafts, recent, memory } = sendDrafts(app, log, refreshHome, triggers);
  const openContent = drafts.openContent;
  const { audit, marks } = recipientMarking(app, log);
  const previewDeps = { ...s.preview, slack: app.slack.client, openContent, prompt: connect.prompt, log };
  const send = createSendUseCases(
    {
      drafts,
      audit,
      limits: createSendLimits(app.redis, s.limits),
      triggers,
      connections: connect.connections,
      accessTokens: senderTokens(connect.accessTokens),
      gmail: createGmailSender(config),
      preview: createPreviewDelivery({ ...previewDeps, marks }),
      describe: failureText,
      queue: createSendQueue(app.queues.send, config.SEND_RETRY_BASE_MS),
      clock: app.clock,
      log,
      countSend: (result) => app.metrics.sends.inc({ result }),
    },
    s.useCases,
  );
  const render = clickReplyMessage(openContent, s.limitsText);
  registerSendActions(app.slack.app, { ...send, render, marks, log });
  registerSendJobs(app, { ...send, sweepEveryMs: config.SEND_SWEEP_INTERVAL_MS });
  await app.register(toolApiRoutes, { apiKeys: config.AGENT_API_KEYS, ...send, memory });
  return {
    cancelOpen: (c, reason) => send.sweeper.cancelOpen(c.teamId, c.userId, reason),
    stage: memory.dedupe(send.stage),
    status: send.status,
    recent,
  };
}
