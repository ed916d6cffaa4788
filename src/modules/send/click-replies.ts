import type { SlackMessage } from '../../shared/slack-messenger';
import type { ClickNotice, ClickReply } from './domain/confirm-click';
import { tryOpen } from './domain/decisions';
import type { Draft, DraftContent, DraftStatus } from './domain/types';
import { outcomeMessage } from './blocks';

const STATUS_NOTICES: Record<DraftStatus, string> = {
  pending: 'This email is waiting for your confirmation.',
  sending: 'This email is already being sent.',
  attempting: 'This email is already being sent.',
  sent: 'This email was already sent.',
  cancelled: 'This email was cancelled; nothing was sent.',
  expired: 'This email expired; nothing was sent.',
  failed: 'This email could not be sent.',
  outcome_unknown: 'It is not known whether this email was sent; check your Sent folder.',
};

const minutes = (ms: number) => {
  const n = Math.max(1, Math.ceil(ms / 60_000));
  return `${n} ${n === 1 ? 'minute' : 'minutes'}`;
};
const emails = (n: number) => `${n} ${n === 1 ? 'email' : 'emails'}`;

/** A reply to the clicker only; the preview itself stays as it is. */
export function noticeText(n: ClickNotice, limits: { hourly: number; daily: number }): string {
  switch (n.reason) {
    case 'invalid':
      return 'This button is not valid (it may have been tampered with). Nothing was sent.';
    case 'review_required':
      return 'This email is longer than the preview: click *View full email*, read it, and send it from there. Nothing was sent.';
    case 'missing':
      return 'This email no longer exists. Nothing was sent.';
    case 'not_owner':
      return `Only <@${n.ownerId}> can send or cancel this email.`;
    case 'already':
      return STATUS_NOTICES[n.status];
    case 'stale':
      return 'This email was changed after you saw it; nothing was sent. Review the new version and click Send there.';
    case 'rate_limited':
      if (n.scope === 'global_hour') {
        return `Mailbridge reached its hourly sending limit for this workspace. Nothing was sent; click Send again in about ${minutes(n.retryAfterMs)}.`;
      }
      return `You reached your limit of ${n.scope === 'user_day' ? `${emails(limits.daily)} per day` : `${emails(limits.hourly)} per hour`}. Nothing was sent; click Send again in about ${minutes(n.retryAfterMs)}.`;
  }
}

/** A click's reply in words: the outcome that replaces the preview, or a notice to the clicker only. */
export const clickReplyMessage =
  (openContent: (draft: Draft) => DraftContent, limits: { hourly: number; daily: number }) =>
  (reply: ClickReply): SlackMessage & { replace: boolean } =>
    reply.kind === 'replace'
      ? { ...outcomeMessage(reply.outcome, tryOpen(openContent, reply.draft)), replace: true }
      : { text: noticeText(reply.notice, limits), replace: false };
