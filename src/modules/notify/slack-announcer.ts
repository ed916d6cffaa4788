import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { webApi } from '@slack/bolt';
import type { SyncDeps } from './domain/sync';
import { gmailIdsOf } from './domain/mail-filter';
import { announcedIds, announcementMetadata } from './slack-metadata';
import { createSlackMessenger, type SlackMessage } from '../../shared/slack-messenger';
import { createAnnounceClient } from '../../shared/slack-single-shot-client';
import type { AppError } from '../../shared/errors';
import { notifyErrors, type NotifyErrorCode } from './domain/errors';
import { digestMessage, newMailMessage } from './blocks';
import { createSlackCall, type SlackCall } from './slack-errors';
import { createDmChannels } from './dm-channels';
import { wasNotSent } from './domain/failures';

type NotifyError = AppError<NotifyErrorCode>;

/** The same failure, marked as one where the announcement never reached Slack (see `wasNotSent`). */
const notSent = (err: NotifyError) =>
  notifyErrors.fail(err.code, err.message, { details: { ...err.details, notSent: true }, cause: err.cause });

/** Slack may store a request it received just before the client gave up on it. */
const LANDING_MARGIN_MS = 10_000;

/** Platform errors with which Slack may have stored the message anyway (its own failure mid-way). */
const AMBIGUOUS_PLATFORM_ERRORS = ['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout'];

/** Slack says the DM channel is no more (a read, or a post refused without posting). */
const channelMissing = (err: unknown) =>
  ['channel_not_found', 'is_archived'].includes(String((err as NotifyError).details?.reason));
/** A post Slack refused, without posting, because the DM channel no longer takes messages. */
const channelGone = (err: unknown) => wasNotSent(err) && channelMissing(err);

/**
 * Whether a failed post certainly left nothing in Slack. A 429 is refused before any work; an
 * `ok:false` answer with an error code (msg_too_long, channel_not_found, invalid_auth...) is Slack's
 * definite answer that it did not post, except for its own failures above. HTTP-level errors and
 * timeouts say nothing about what Slack stored: they stay for the reconciler.
 */
export function postNeverLanded(err: NotifyError): boolean {
  if (err.code === 'slack_rate_limited') return true;
  const cause = err.cause as { code?: unknown; data?: { error?: unknown } } | undefined;
  const reason = cause?.data?.error;
  return (
    cause?.code === webApi.ErrorCode.PlatformError &&
    typeof reason === 'string' &&
    !AMBIGUOUS_PLATFORM_ERRORS.includes(reason)
  );
}

/**
 * The announce side of the sync: posting an announcement (with its Gmail ids in metadata) and
 * reading the owner's DM back, through a client that sends each request once.
 */
export function createSlackAnnouncer(
  app: Pick<FastifyInstance, 'config' | 'metrics' | 'clock'>,
  log: Logger,
  slackCall: SlackCall = createSlackCall(app.metrics),
): Pick<SyncDeps, 'announce' | 'findAnnounced' | 'inFlightMs'> {
  const { config, metrics } = app;
  const { clock } = app;
  /*
   * The reconciler's window: how long after its intent an announcement may still land in Slack.
   * Invariant: the post is sent at most `postStartBudgetMs` after its intent (announce checks just
   * before sending; opening the DM has its own HTTP timeout), exactly once (the announce client
   * never retries, nor queues behind a 429; a second post follows only Slack's definite refusal of
   * the first), and abandoned by the client HTTP_TIMEOUT_MS later;
   * LANDING_MARGIN_MS then covers Slack's own processing. A post missing from the DM after this
   * window never lands, so its intent can be released and the message announced again.
   */
  const postStartBudgetMs = config.HTTP_TIMEOUT_MS;
  const inFlightMs = postStartBudgetMs + config.HTTP_TIMEOUT_MS + LANDING_MARGIN_MS;
  // Announcements and their read-back go through a client that never retries on its own (see
  // createAnnounceClient): a post is then sent once per attempt and ends within HTTP_TIMEOUT_MS.
  const announcer = createSlackMessenger(
    createAnnounceClient({
      token: config.SLACK_BOT_TOKEN,
      apiUrl: config.SLACK_API_URL,
      timeoutMs: config.HTTP_TIMEOUT_MS,
      log,
    }),
  );

  const dmChannels = createDmChannels((userId) =>
    slackCall(() => announcer.dmChannel(userId)).catch((err: NotifyError) => {
      throw notSent(err);
    }),
  );
  /** Posts to the person's DM if still in time; a channel Slack says is gone is forgotten. */
  const postToDm = async (userId: string, channel: string, message: SlackMessage, intendedAt: Date) => {
    if (clock.now().getTime() - intendedAt.getTime() > postStartBudgetMs) {
      // Too late to start the post inside the reconciler's window: not posted, retried later.
      throw notSent(
        notifyErrors.fail('slack_unavailable', 'the announcement could not start in time', {
          details: { reason: 'slow_start' },
        }),
      );
    }
    await slackCall(() => announcer.post(channel, message)).catch((err: NotifyError) => {
      const failure = postNeverLanded(err) ? notSent(err) : err;
      if (channelGone(failure)) dmChannels.forget(userId);
      throw failure;
    });
  };

  return {
    async announce(mailbox, a, intendedAt) {
      const words =
        a.kind === 'single'
          ? newMailMessage(mailbox.email, a.mail)
          : digestMessage(mailbox.email, a.mails, a.allLines ? a.mails.length : undefined);
      const message = { ...words, metadata: announcementMetadata(mailbox.id, gmailIdsOf(a)) };
      const dm = await dmChannels.get(mailbox.userId);
      try {
        await postToDm(mailbox.userId, dm.channel, message, intendedAt);
      } catch (err) {
        // Slack refused the post outright, so nothing landed: a remembered channel may be stale and
        // is opened again, once; a channel Slack has just opened is its final answer.
        if (!dm.remembered || !channelGone(err)) throw err;
        const reopened = await dmChannels.get(mailbox.userId);
        await postToDm(mailbox.userId, reopened.channel, message, intendedAt);
      }
      metrics.notifications.inc({ kind: a.kind });
    },
    /** Reads the remembered DM channel; one Slack says is gone is forgotten and opened again, once. */
    async findAnnounced(mailbox, since) {
      const read = async (channel: string) => slackCall(() => announcer.metadataSince(channel, since));
      const dm = await dmChannels.get(mailbox.userId);
      let found: unknown[];
      try {
        found = await read(dm.channel);
      } catch (err) {
        if (!dm.remembered || !channelMissing(err)) throw err;
        dmChannels.forget(mailbox.userId);
        found = await read((await dmChannels.get(mailbox.userId)).channel);
      }
      return announcedIds(found, mailbox.id);
    },
    inFlightMs,
  };
}
