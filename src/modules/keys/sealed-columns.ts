import { tokenContext } from '../connect/connection-store';
import { revocationContext } from '../connect/revocation-store';
import { draftContentContext } from '../send/draft-store';
import { auditDetailsContext } from '../../shared/audit-store';
import { heldContext } from '../notify/rules-store';

/**
 * Every sealed column in the database with the AAD context it was sealed under. The key rotation
 * CLI re-seals each of them to the current key version; a new sealed column must be listed here.
 */
export interface SealedColumn {
  table: string;
  dataColumn: string;
  versionColumn: string;
  /** Columns the context is built from (the `id` column is always read). */
  contextColumns: string[];
  context(row: Record<string, string>): string;
}

export const SEALED_COLUMNS: SealedColumn[] = [
  {
    table: 'gmail_connections',
    dataColumn: 'sealed_token',
    versionColumn: 'key_version',
    contextColumns: ['team_id', 'user_id'],
    context: (r) => tokenContext(r.team_id!, r.user_id!),
  },
  {
    table: 'pending_revocations',
    dataColumn: 'sealed_token',
    versionColumn: 'key_version',
    contextColumns: [],
    context: (r) => revocationContext(r.id!),
  },
  {
    table: 'email_drafts',
    dataColumn: 'sealed_content',
    versionColumn: 'key_version',
    contextColumns: ['team_id', 'user_id'],
    context: (r) => draftContentContext(r.id!, r.team_id!, r.user_id!),
  },
  {
    table: 'audit_events',
    dataColumn: 'sealed_details',
    versionColumn: 'key_version',
    contextColumns: ['team_id', 'user_id', 'kind', 'draft_id'],
    context: (r) => auditDetailsContext(r.team_id!, r.user_id!, r.kind!, r.draft_id),
  },
  {
    table: 'held_notifications',
    dataColumn: 'sealed_headers',
    versionColumn: 'key_version',
    contextColumns: ['mailbox_id', 'gmail_message_id'],
    context: (r) => heldContext(r.mailbox_id!, r.gmail_message_id!),
  },
];
