/**
 * Many connected mailboxes with notifications on. A few go through the real flow (the Google
 * emulator's OAuth protocol and the `/ai-email-notifications on` command); the rest are written
 * straight into Postgres in the same shape: a refresh token the Google emulator issued
 * (`grantOffline`), sealed with the server's own sealer, and an enabled mailbox row.
 */
import { Client } from 'pg';
import { loadConfig } from '../../src/config';
import { createSealer } from '../../src/shared/crypto';
import { tokenContext } from '../../src/modules/connect/connection-store';
import { METADATA_SCOPE, SEND_SCOPE } from '../../test/helpers/connect';
import { enabledUser, openHarness, setAutoPush } from '../../test/helpers/notify-harness';
import type { Stack } from '../../test/helpers/stack';

export interface BenchMailbox {
  userId: string;
  email: string;
}

const BATCH = 2000;
const DAY_MS = 86_400_000;

/** Connects `realFlow` people through the running (development) server; call before it stops. */
export async function connectThroughFlow(stack: Stack, realFlow: number): Promise<BenchMailbox[]> {
  const h = await openHarness(stack);
  try {
    const out: BenchMailbox[] = [];
    for (let i = 0; i < realFlow; i++) {
      const p = { userId: `UFLOW${i}`, email: `flow${i}@example.com` };
      await enabledUser(stack, h, p);
      out.push(p);
    }
    return out;
  } finally {
    await h.close();
  }
}

/**
 * Inserts `count` connected, enabled mailboxes. `watchDue`: their watches expire now and they were
 * never synced (a deployment down for days), so the next maintenance run renews every one and gives
 * each a safety sync; otherwise they hold a watch for 7 days more and were synced just now, as
 * turning notifications on and a running deployment leave them, so a restart finds nothing due.
 */
export async function insertMailboxes(
  stack: Stack,
  count: number,
  opts: { watchDue: boolean },
): Promise<BenchMailbox[]> {
  // Pushes are sent by the benchmark itself, at the times it records.
  setAutoPush(stack, false);
  const sealer = createSealer(loadConfig(stack.env).encryptionKeys);
  const teamId = stack.slack.teamId;
  const expires = new Date(Date.now() + (opts.watchDue ? -60_000 : 7 * DAY_MS));
  const syncedAt = opts.watchDue ? null : new Date();
  const scopes = [SEND_SCOPE, METADATA_SCOPE];
  const db = new Client({ connectionString: stack.db.url });
  await db.connect();
  const all: BenchMailbox[] = [];
  try {
    for (let start = 0; start < count; start += BATCH) {
      const rows = Array.from({ length: Math.min(BATCH, count - start) }, (_, k) => {
        const i = start + k;
        const userId = `UB${String(i).padStart(6, '0')}`;
        const email = `bench${i}@example.com`;
        const { account, refreshToken } = stack.google.grantOffline({ email, scopes });
        stack.slack.addUser({ id: userId, name: `bench${i}` });
        const sealed = sealer.seal(refreshToken, tokenContext(teamId, userId));
        return { userId, email, sub: account.sub, sealed, historyId: stack.google.historyId(email) };
      });
      await db.query(
        `WITH c AS (
           INSERT INTO gmail_connections (id, team_id, user_id, google_sub, email, scopes, status, sealed_token, key_version, connected_at, updated_at)
           SELECT gen_random_uuid(), $1, u, s, e, $2, 'active', t, v, now(), now()
             FROM unnest($3::text[], $4::text[], $5::text[], $6::bytea[], $7::text[]) AS x(u, s, e, t, v)
           RETURNING id, user_id, email)
         INSERT INTO mailboxes (id, connection_id, team_id, user_id, email, enabled, history_id, watch_expires_at, last_sync_at, state, created_at, updated_at)
         SELECT gen_random_uuid(), c.id, $1, c.user_id, c.email, true, h.h::numeric, $8, $10::timestamptz, 'ok', now(), now()
           FROM c JOIN unnest($3::text[], $9::text[]) AS h(u, h) ON h.u = c.user_id`,
        [
          teamId,
          scopes,
          rows.map((r) => r.userId),
          rows.map((r) => r.sub),
          rows.map((r) => r.email),
          rows.map((r) => r.sealed.ciphertext),
          rows.map((r) => r.sealed.keyVersion),
          expires,
          rows.map((r) => r.historyId),
          syncedAt,
        ],
      );
      all.push(...rows.map(({ userId, email }) => ({ userId, email })));
    }
  } finally {
    await db.end();
  }
  return all;
}
