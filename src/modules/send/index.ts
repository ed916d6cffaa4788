import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createDraftRepo, draftContentContext } from './draft-store';
import { createSendLimits } from './send-limits';
import { createTriggerRepo } from '../triggers/trigger-store';
import { classifyGoogleError } from '../../shared/google-errors';
import { READ_SCOPES, SEARCH_SCOPES } from '../../shared/google-oauth';
import { findSentMessage } from '../../shared/gmail';
import { createDecisionRecorder, tryOpen } from './domain/decisions';
import { createStageDraft } from './domain/stage-draft';
import { createConfirmClick } from './domain/confirm-click';
import { createSendDraft } from './domain/send-draft';
import { createDraftSweeper } from './domain/sweep-drafts';
import { viewDraft } from './domain/draft-view';
import { markPreviewFinal } from './domain/preview-mark';
import type { Draft, DraftContent, Outcome } from './domain/types';
import type { ConnectModule } from '../connect';
import type { Connection } from '../connect/connection-store';
import { createGmailFactory } from '../../shared/gmail';
import { createSlackMessenger } from '../../shared/slack-messenger';
import { createAuditRepo } from '../../shared/audit-store';
import { noticeText, outcomeMessage } from './blocks';
import { createPreviewDelivery } from './preview-delivery';
import { registerSendActions } from './slack';
import { createSendQueue, registerSendJobs } from './jobs';
import toolApiRoutes from './http';

/** Retries of a send the use case decides on itself (Gmail 429/401, token endpoint down). */
const MAX_SEND_ATTEMPTS = 5;

/** What the other modules use of send. */
export interface SendModule {
  /** Cancels the person's open confirmations: they were made for a grant that no longer holds. */
  cancelOpen(connection: Connection, reason: 'connection_changed' | 'disconnected'): Promise<void>;
}

/** Composes the send feature: its routes, Slack listeners and jobs. */
export default async function sendModule(
  app: FastifyInstance,
  connect: Pick<ConnectModule, 'connections' | 'accessTokens' | 'prompt'>,
): Promise<SendModule> {
  const { config } = app;
  const services = {
    clock: app.clock,
    sealer: app.sealer,
    connections: connect.connections,
    accessTokens: connect.accessTokens,
    gmail: createGmailFactory(config),
    messenger: createSlackMessenger(app.slack.client),
    audit: createAuditRepo(app.prisma),
  };
  const log = app.log.child({ component: 'send' }) as Logger;
  const drafts = createDraftRepo(app.prisma);
  const openContent = (d: Draft): DraftContent => {
    if (!d.sealedContent) throw new Error('the content of this draft was purged');
    return JSON.parse(
      services.sealer.openString(d.sealedContent, draftContentContext(d.id, d.teamId, d.userId)),
    ) as DraftContent;
  };
  const contentOrNothing = (d: Draft) => tryOpen(openContent, d);
  const record = createDecisionRecorder({
    audit: services.audit,
    sealer: services.sealer,
    log,
    countSend: (result) => app.metrics.sends.inc({ result }),
  });
  const limits = createSendLimits(app.redis, {
    keyPrefix: config.REDIS_KEY_PREFIX,
    draftsPerHour: config.GMAIL_DRAFTS_USER_HOURLY_LIMIT,
    sendsPerHour: config.GMAIL_SEND_USER_HOURLY_LIMIT,
    sendsPerDay: config.GMAIL_SEND_USER_DAILY_LIMIT,
    globalPerHour: config.GMAIL_SEND_GLOBAL_HOURLY_LIMIT,
  });
  const preview = createPreviewDelivery({
    messenger: services.messenger,
    signingKey: config.GMAIL_OAUTH_STATE_SIGNING_KEY,
    timeoutMs: config.HTTP_TIMEOUT_MS,
    log,
  });
  const retell = async (d: Draft, outcome: Outcome) => {
    const result = await preview.tell(d, outcome, contentOrNothing(d));
    if (result === 'shown') await markPreviewFinal({ drafts, log }, d.id, outcome.kind);
    return result;
  };
  const tell = async (d: Draft, outcome: Outcome) => {
    await retell(d, outcome);
  };
  const queue = createSendQueue(app.queues.send, config.SEND_RETRY_BASE_MS);

  const stage = createStageDraft({
    triggers: createTriggerRepo(app.prisma),
    connections: services.connections,
    drafts,
    sealer: services.sealer,
    clock: services.clock,
    consumeDraftQuota: (teamId, userId) => limits.consumeDraft(teamId, userId),
    postPreview: (d, content) => preview.postPreview(d, content),
    async promptConnect(trigger) {
      try {
        const message = await connect.prompt(trigger.teamId, trigger.userId!, 'connect');
        await preview.toOwner({ ...trigger, userId: trigger.userId! }, message);
      } catch (err) {
        log.warn({ err: { message: (err as Error).message } }, 'could not show the connect prompt');
      }
    },
    record,
    ttlMs: config.GMAIL_DRAFT_TTL_SECONDS * 1000,
    allowExternalAuthors: config.ALLOW_SLACK_CONNECT_TRIGGERS,
  });

  const confirm = createConfirmClick({
    drafts,
    clock: services.clock,
    signingKey: config.GMAIL_OAUTH_STATE_SIGNING_KEY,
    limits,
    enqueueSend: (id) => queue.enqueue(id),
    openContent,
    record,
    log,
  });

  // An attempt's Gmail call gives up after HTTP_TIMEOUT_MS; twice that (plus the token refresh)
  // is a safe bound after which nobody can still be waiting for its answer.
  const inFlightMs = config.HTTP_TIMEOUT_MS * 2 + 1_000;
  const sendDraft = createSendDraft({
    drafts,
    clock: services.clock,
    accessTokens: services.accessTokens,
    gmail: {
      async send(accessToken, raw) {
        const res = await services
          .gmail(accessToken)
          .users.messages.send({ userId: 'me', requestBody: { raw } });
        if (!res.data.id) throw new Error('Gmail answered without a message id');
        return { id: res.data.id };
      },
      findSent: (accessToken, messageIdHeader, how, attemptedAt) =>
        findSentMessage(services.gmail(accessToken), messageIdHeader, how, attemptedAt),
    },
    classify: classifyGoogleError,
    openContent,
    tell,
    record,
    log,
    settings: {
      inFlightMs,
      reconcileWindowMs: Math.max(inFlightMs, config.SEND_RETRY_BASE_MS * 30),
      retryBaseMs: config.SEND_RETRY_BASE_MS,
      maxAttempts: MAX_SEND_ATTEMPTS,
      searchScopes: SEARCH_SCOPES,
      listScopes: READ_SCOPES,
    },
  });

  const sweeper = createDraftSweeper({
    drafts,
    clock: services.clock,
    record,
    openContent,
    tell,
    retell,
    resume: (d) => queue.resume(d),
    inFlightMs,
  });

  registerSendActions(app.slack.app, {
    confirm,
    render(result) {
      if (result.kind === 'replace') {
        return { ...outcomeMessage(result.outcome, contentOrNothing(result.draft)), replace: true };
      }
      const limitsText = {
        hourly: config.GMAIL_SEND_USER_HOURLY_LIMIT,
        daily: config.GMAIL_SEND_USER_DAILY_LIMIT,
      };
      return { text: noticeText(result.notice, limitsText), replace: false };
    },
    log,
  });
  registerSendJobs(app, { sendDraft, sweeper, sweepEveryMs: config.SEND_SWEEP_INTERVAL_MS });

  await app.register(toolApiRoutes, {
    apiKeys: config.AGENT_API_KEYS,
    stage,
    async status(id) {
      const d = await drafts.findById(id);
      return d ? viewDraft(d) : undefined;
    },
  });
  return { cancelOpen: (c, reason) => sweeper.cancelOpen(c.teamId, c.userId, reason) };
}
