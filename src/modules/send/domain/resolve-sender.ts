import { sendErrors } from './errors';
import type { TriggerMessage } from './ports';

export const MAX_TRIGGER_AGE_MS = 24 * 3600 * 1000;

/** Slack's `ts` is the message's epoch seconds; the row's own time covers a ts we cannot read. */
function postedAt(row: TriggerMessage): number {
  const fromTs = Number(row.ts) * 1000;
  const recorded = row.createdAt.getTime();
  return Number.isFinite(fromTs) && fromTs > 0 ? Math.min(fromTs, recorded) : recorded;
}

/**
 * The sender is whoever wrote the recorded trigger message — never anything the assistant says.
 * It must be one row (else ask for channel_id), written by a human, within the last 24 hours.
 */
export function resolveSender(rows: TriggerMessage[], now: Date, channelGiven: boolean): TriggerMessage {
  if (rows.length === 0) {
    throw sendErrors.fail(
      'unknown_trigger',
      'No message with this trigger_message_ts was seen by Mailbridge. Use the ts of the Slack message that asked for the email.',
    );
  }
  if (rows.length > 1) {
    throw sendErrors.fail(
      'ambiguous_trigger',
      channelGiven
        ? 'Several messages match this trigger_message_ts and channel_id.'
        : 'Several messages in different channels have this trigger_message_ts; pass channel_id as well.',
    );
  }
  const row = rows[0]!;
  if (row.isBot || !row.userId) {
    throw sendErrors.fail(
      'trigger_not_human',
      'The trigger message was written by a bot; only a message written by a person can start an email.',
    );
  }
  if (now.getTime() - postedAt(row) > MAX_TRIGGER_AGE_MS) {
    throw sendErrors.fail(
      'trigger_too_old',
      'The trigger message is more than 24 hours old; ask the person to request the email again.',
    );
  }
  return row;
}

/**
 * A Slack Connect author belongs to another organisation: by default nothing is staged for them,
 * whatever their user id happens to match here. An author Slack did not place (no team named in an
 * externally shared channel) is refused the same way: unknown is never taken for a member.
 */
export function refuseExternalAuthor(row: TriggerMessage, allowed: boolean): void {
  if (allowed || row.authorIsMember === true) return;
  throw sendErrors.fail(
    'external_trigger',
    row.authorIsMember === false
      ? 'The trigger message was written by someone from another Slack workspace (Slack Connect); this workspace does not allow staging emails for them. Nothing was staged.'
      : 'The trigger message was written in a channel shared with another Slack workspace (Slack Connect) and Slack did not say which workspace its author belongs to; this workspace does not allow staging emails for authors from another workspace. Nothing was staged.',
  );
}
