/**
 * Message metadata that ties a Slack announcement to the Gmail messages it announces, so a sync
 * that stopped mid-post can ask Slack what it already shows. Ids only: no sender, no subject.
 */
export const NEW_MAIL_EVENT = 'mailbridge_new_mail';

export interface AnnouncementMetadata {
  event_type: string;
  event_payload: { mailbox_id: string; gmail_message_ids: string };
}

/** Gmail ids never contain commas; one string keeps the payload within Slack's value types. */
export const announcementMetadata = (mailboxId: string, gmailIds: string[]): AnnouncementMetadata => ({
  event_type: NEW_MAIL_EVENT,
  event_payload: { mailbox_id: mailboxId, gmail_message_ids: gmailIds.join(',') },
});

/** The Gmail ids of this mailbox among message metadata read back from Slack. */
export function announcedIds(metadata: unknown[], mailboxId: string): Set<string> {
  const ids = new Set<string>();
  for (const m of metadata) {
    const meta = m as { event_type?: unknown; event_payload?: Record<string, unknown> } | undefined;
    const payload = meta?.event_payload;
    if (meta?.event_type !== NEW_MAIL_EVENT || payload?.mailbox_id !== mailboxId) continue;
    if (typeof payload.gmail_message_ids !== 'string') continue;
    for (const id of payload.gmail_message_ids.split(',')) if (id) ids.add(id);
  }
  return ids;
}
