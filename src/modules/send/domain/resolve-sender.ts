import { AppError } from '../../../shared/errors';
import type { TriggerRow } from '../../triggers/trigger-store';

export const MAX_TRIGGER_AGE_MS = 24 * 3600 * 1000;

/** Slack's `ts` is the message's epoch seconds; the row's own time covers a ts we cannot read. */
function postedAt(row: TriggerRow): number {
  const fromTs = Number(row.ts) * 1000;
  const recorded = row.createdAt.getTime();
  return Number.isFinite(fromTs) && fromTs > 0 ? Math.min(fromTs, recorded) : recorded;
}

/**
 * The sender is whoever wrote the recorded trigger message — never anything the assistant says.
 * It must be one row (else ask for channel_id), written by a human, within the last 24 hours.
 */
export function resolveSender(rows: TriggerRow[], now: Date, channelGiven: boolean): TriggerRow {
  if (rows.length === 0) {
    throw new AppError(
      'unknown_trigger',
      'No message with this trigger_message_ts was seen by Mailbridge. Use the ts of the Slack message that asked for the email.',
      { httpStatus: 404 },
    );
  }
  if (rows.length > 1) {
    throw new AppError(
      'ambiguous_trigger',
      channelGiven
        ? 'Several messages match this trigger_message_ts and channel_id.'
        : 'Several messages in different channels have this trigger_message_ts; pass channel_id as well.',
      { httpStatus: 409 },
    );
  }
  const row = rows[0]!;
  if (row.isBot || !row.userId) {
    throw new AppError(
      'trigger_not_human',
      'The trigger message was written by a bot; only a message written by a person can start an email.',
      { httpStatus: 403 },
    );
  }
  if (now.getTime() - postedAt(row) > MAX_TRIGGER_AGE_MS) {
    throw new AppError(
      'trigger_too_old',
      'The trigger message is more than 24 hours old; ask the person to request the email again.',
      { httpStatus: 410 },
    );
  }
  return row;
}

/**
 * A Slack Connect author belongs to another organisation: by default nothing is staged for them,
 * whatever their user id happens to match here. An author Slack did not place (no team named in an
 * externally shared channel) is refused the same way: unknown is never taken for a member.
 */
export function refuseExternalAuthor(row: TriggerRow, allowed: boolean): void {
  if (allowed || row.authorIsMember === true) return;
  throw new AppError(
    'external_trigger',
    row.authorIsMember === false
      ? 'The trigger message was written by someone from another Slack workspace (Slack Connect); this workspace does not allow staging emails for them. Nothing was staged.'
      : 'The trigger message was written in a channel shared with another Slack workspace (Slack Connect) and Slack did not say which workspace its author belongs to; this workspace does not allow staging emails for authors from another workspace. Nothing was staged.',
    { httpStatus: 403 },
  );
}
