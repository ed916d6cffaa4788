import { seedConnection, METADATA_SCOPE, SEND_SCOPE } from '../helpers/connect';
import { eventually } from '../helpers/stack';
import { syncIdle, useNotifyStack } from '../helpers/notify-harness';

const MAILBOXES = 300;
const RATE = 50;

/** Most calls in any one-second window that starts at a call. */
const busiestSecond = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (j < sorted.length && sorted[j]! < sorted[i]! + 1_000) j++;
    most = Math.max(most, j - i);
  }
  return most;
};

describe('Gmail watch renewal at scale', () => {
  const ctx = useNotifyStack({ env: { GMAIL_WATCH_RATE_PER_SECOND: String(RATE) } });

  it(`when ${MAILBOXES} watches are due at a first boot, then the server is ready before they are renewed, each is renewed once and no second holds more than ${RATE} watch calls`, async () => {
    const { stack, h } = ctx;
    await stack.server.stop();
    const emails: string[] = [];
    // One at a time: the emulator's consent screen answers for the account it was last told about.
    for (let n = 0; n < MAILBOXES; n++) {
      const email = `due${n}@example.com`;
      const c = await seedConnection(stack, {
        userId: `UDUE${n}`,
        email,
        scopes: [SEND_SCOPE, METADATA_SCOPE],
      });
      await h.db.query(
        `INSERT INTO mailboxes (id, connection_id, team_id, user_id, email, enabled, history_id, watch_expires_at, state, updated_at)
         VALUES (gen_random_uuid(), $1, $2, $3, $4, true, 1, now() + interval '1 day', 'ok', now())`,
        [c.id, c.teamId, c.userId, email],
      );
      emails.push(email);
    }
    // A first boot: no maintenance schedule exists yet.
    await h.queue.removeJobScheduler('notify-maintain');
    const ours = () => stack.google.watchCallTimes.filter((c) => emails.includes(c.email));

    await stack.restart();
    // restart() returns once /readyz answers 200 (and the Slack socket is up).
    expect(ours().length).toBeLessThan(MAILBOXES);

    await eventually(() => new Set(ours().map((c) => c.email)).size === MAILBOXES, 90_000, 200);
    await syncIdle(h);
    const calls = ours();
    expect(calls).toHaveLength(MAILBOXES);
    // Counted when the Google emulator received each call (what Google's quota counts), and answered it.
    expect(busiestSecond(calls.map((c) => c.receivedAt))).toBeLessThanOrEqual(RATE);
    expect(busiestSecond(calls.map((c) => c.at))).toBeLessThanOrEqual(RATE);
    const { rows } = await h.db.query<{ n: string }>(
      "SELECT count(*) AS n FROM mailboxes WHERE watch_expires_at > now() + interval '6 days'",
    );
    expect(Number(rows[0]!.n)).toBe(MAILBOXES);
  }, 180_000);
});
