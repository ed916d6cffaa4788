import type { SqlPool } from '../../platform/prisma';
import type { MailboxStore } from './domain/ports';
import { reasonOf } from './mailbox-row';

/**
 * The statements of each announcement and of each sync's end (MailboxStore.recordIntent,
 * markNotified, recordSync), as plain parameterised SQL on Prisma's pool: they run for every
 * message announced, where Prisma's client costs more CPU than the round trip (bench/README.md,
 * fourth pass). Every value is a parameter; dates are cast to timestamptz.
 */
export function announcementStatements(
  sql: SqlPool,
): Pick<MailboxStore, 'recordIntent' | 'markNotified' | 'recordSync'> {
  return {
    async recordIntent(id, gmailIds, now, opts) {
      if (gmailIds.length === 0) return [];
      // RETURNING names exactly the rows this statement inserted; a row another sync wrote first
      // is skipped by ON CONFLICT and not returned, so two syncs never both claim a message.
      // Rows go in key order, so two statements over overlapping ids wait on each other, never deadlock.
      // `ifEnabled`: the mailbox must be on (read in the same statement); a NULL row says it was.
      // FOR KEY SHARE makes that read wait for a turn-off in flight (disable takes FOR UPDATE, which
      // this lock conflicts with) and re-read `enabled` once it commits, rather than see the old "on".
      const ordered = [...new Set(gmailIds)].sort();
      const onlyIfOn = opts?.ifEnabled === true;
      const { rows } = await sql.query<{ gmail_message_id: string | null }>(
        `WITH turned_on AS (SELECT 1 FROM mailboxes WHERE id = $1::uuid AND (enabled OR NOT $2::boolean) FOR KEY SHARE),
        written AS (
          INSERT INTO notified_messages (mailbox_id, gmail_message_id, state, created_at)
          SELECT $1::uuid, g, 'pending', $3::timestamptz FROM unnest($4::text[]) AS g
          WHERE NOT $2::boolean OR EXISTS (SELECT 1 FROM turned_on) ORDER BY g
          ON CONFLICT (mailbox_id, gmail_message_id) DO NOTHING
          RETURNING gmail_message_id)
        SELECT gmail_message_id FROM written UNION ALL SELECT NULL FROM turned_on`,
        [id, onlyIfOn, now, ordered],
      );
      if (onlyIfOn && !rows.some((r) => r.gmail_message_id === null)) return undefined;
      const inserted = new Set(rows.map((r) => r.gmail_message_id));
      return gmailIds.filter((g) => inserted.has(g));
    },
    async markNotified(id, gmailIds) {
      if (gmailIds.length === 0) return;
      // One statement: pending intents become posted; a message without a row gets one.
      await sql.query(
        `INSERT INTO notified_messages (mailbox_id, gmail_message_id, state, created_at)
        SELECT $1::uuid, g, 'posted', now() FROM unnest($2::text[]) AS g ORDER BY g
        ON CONFLICT (mailbox_id, gmail_message_id) DO UPDATE SET state = 'posted'
        WHERE notified_messages.state = 'pending'`,
        [id, [...new Set(gmailIds)].sort()],
      );
    },
    async recordSync(id, { now, notified, state, problem, advanceTo }) {
      // One statement: the cursor moves forward only (as advanceCursor), with the sync's outcome.
      const { rows } = await sql.query<{ teamId: string; userId: string }>(
        `UPDATE mailboxes SET last_sync_at = $2::timestamptz, state = $3, state_reason = $4,
          last_notified_at = CASE WHEN $5::boolean THEN $2::timestamptz ELSE last_notified_at END,
          history_id = CASE WHEN $6::numeric > coalesce(history_id, -1) THEN $6::numeric ELSE history_id END,
          updated_at = now()
        WHERE id = $1::uuid
        RETURNING team_id AS "teamId", user_id AS "userId"`,
        [id, now, state, reasonOf(problem), notified, advanceTo?.toString() ?? null],
      );
      return rows[0];
    },
  };
}
