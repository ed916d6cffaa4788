import { createRenewal, RENEW_WHEN_EXPIRING_WITHIN_MS } from '../../src/modules/notify/domain/renewal';
import { notifyErrors } from '../../src/modules/notify/domain/errors';
import { connectErrors } from '../../src/modules/connect/domain/errors';
import type { GmailPort } from '../../src/modules/notify/domain/ports';
import type { MailboxRecord } from '../../src/modules/notify/domain/types';
import { noticeText } from '../../src/modules/notify/replies';
import {
  DAY_MS,
  NOW,
  fakeWatchGmail,
  mailboxRow,
  memoryMailboxes,
  noticeLog,
  silentLog,
} from '../helpers/notify-fakes';

const HOUR = 3_600_000;
const expiredAgo = (ms: number) => new Date(NOW.getTime() - ms);

function setup(rows: MailboxRecord[], gmail: GmailPort = fakeWatchGmail().gmail) {
  const mailboxes = memoryMailboxes(rows);
  const { told, tell } = noticeLog();
  const synced: string[] = [];
  const renewals: string[] = [];
  const counted: string[] = [];
  const renewal = createRenewal({
    mailboxes,
    openGmail: async () => gmail,
    clock: { now: () => NOW },
    log: silentLog(),
    topicName: 'projects/p/topics/gmail',
    safetySyncAfterHours: 24,
    scheduleSync: async (id) => void synced.push(id),
    scheduleRenewals: async (ids) => void renewals.push(...ids),
    tell,
    countWatch: (outcome) => void counted.push(outcome),
  });
  return { renewal, mailboxes, told, synced, renewals, counted };
}

const failing = (err: unknown): GmailPort => ({
  ...fakeWatchGmail().gmail,
  watch: async () => Promise.reject(err),
});
const gmailDown = () => notifyErrors.fail('gmail_server', 'users.watch: server (503)');
const gmailRefuses = () =>
  notifyErrors.fail('gmail_forbidden', 'users.watch: forbidden (403)', {
    details: { reason: 'insufficientPermissions' },
  });

describe('renewing a watch', () => {
  it('when Gmail renews it, then the new expiry is recorded and no catch-up sync is needed', async () => {
    const { renewal, mailboxes, synced, counted } = setup([mailboxRow()]);
    await expect(renewal.renew('mb-1', { finalAttempt: false })).resolves.toBe('renewed');
    expect(mailboxes.rows.get('mb-1')!.watchExpiresAt).toEqual(new Date(NOW.getTime() + 7 * DAY_MS));
    expect(synced).toEqual([]);
    expect(counted).toEqual(['renewed']);
  });

  it('when the watch had expired, then it is healthy again and a sync catches up on the pushes Gmail never sent', async () => {
    const { renewal, mailboxes, synced } = setup([
      mailboxRow({
        watchExpiresAt: expiredAgo(HOUR),
        state: 'lapsed',
        stateReason: 'the Gmail watch expired; renewing it',
      }),
    ]);
    await renewal.renew('mb-1', { finalAttempt: false });
    expect(mailboxes.rows.get('mb-1')).toMatchObject({ state: 'ok', stateReason: null });
    expect(synced).toEqual(['mb-1']);
  });

  it('when the mailbox has no cursor yet, then it starts from the watch history id', async () => {
    const { renewal, mailboxes } = setup([mailboxRow({ historyId: null })]);
    await renewal.renew('mb-1', { finalAttempt: false });
    expect(mailboxes.rows.get('mb-1')!.historyId).toBe(500n);
  });

  it('when notifications are off, then nothing is renewed', async () => {
    const { renewal, counted } = setup([mailboxRow({ enabled: false })]);
    await expect(renewal.renew('mb-1', { finalAttempt: false })).resolves.toBe('skipped');
    expect(counted).toEqual([]);
  });

  it('when the connection is gone, then notifications turn off with an error', async () => {
    const { renewal, mailboxes } = setup(
      [mailboxRow()],
      failing(connectErrors.fail('not_connected', 'no token')),
    );
    await expect(renewal.renew('mb-1', { finalAttempt: false })).resolves.toBe('skipped');
    expect(mailboxes.rows.get('mb-1')).toMatchObject({
      enabled: false,
      state: 'error',
      stateReason: 'the Gmail connection is no longer valid',
    });
  });
});

describe('a renewal that fails', () => {
  it('when Gmail is down on an attempt that is not the last, then the job retries and nobody is told', async () => {
    const { renewal, mailboxes, told, counted } = setup(
      [mailboxRow({ watchExpiresAt: expiredAgo(HOUR) })],
      failing(gmailDown()),
    );
    await expect(renewal.renew('mb-1', { finalAttempt: false })).rejects.toMatchObject({
      code: 'gmail_server',
    });
    expect(mailboxes.rows.get('mb-1')!.state).toBe('ok');
    expect(told).toEqual([]);
    expect(counted).toEqual([]);
  });

  it('when the last attempt fails and the watch has expired, then the mailbox is lapsed and its owner told, once', async () => {
    const { renewal, mailboxes, told, counted } = setup(
      [mailboxRow({ watchExpiresAt: expiredAgo(HOUR) })],
      failing(gmailDown()),
    );
    const reason =
      'Gmail could not be reached after several tries; the next new mail triggers another attempt';
    await expect(renewal.renew('mb-1', { finalAttempt: true })).rejects.toMatchObject({
      code: 'gmail_server',
    });
    await expect(renewal.renew('mb-1', { finalAttempt: true })).rejects.toMatchObject({
      code: 'gmail_server',
    });
    expect(mailboxes.rows.get('mb-1')).toMatchObject({
      state: 'lapsed',
      stateReason: `renewing the Gmail watch failed: ${reason}`,
    });
    expect(told).toEqual([
      {
        userId: 'U1',
        notice: {
          kind: 'watch_lapsed',
          failure: { code: 'gmail_server', message: 'users.watch: server (503)' },
        },
      },
    ]);
    expect(noticeText(mailboxRow(), told[0]!.notice)).toBe(
      `New-mail notifications for ada@example.com have stopped: the Gmail watch lapsed and could not be renewed (${reason}). Run \`/ai-email-notifications on\` to restart them.`,
    );
    expect(counted).toEqual(['failed', 'failed']);
  });

  it('when Gmail refuses for good, then it is not retried, and the owner is told at once if the watch has expired', async () => {
    const { renewal, mailboxes, told } = setup(
      [mailboxRow({ watchExpiresAt: expiredAgo(HOUR) })],
      failing(gmailRefuses()),
    );
    await expect(renewal.renew('mb-1', { finalAttempt: false })).resolves.toBe('failed');
    expect(mailboxes.rows.get('mb-1')!.stateReason).toMatch(
      /^renewing the Gmail watch failed: Gmail no longer grants permission/,
    );
    expect(told).toHaveLength(1);
  });

  it('when the last attempt fails but the watch still runs, then nothing is lapsed and nobody is told yet', async () => {
    const { renewal, mailboxes, told, counted } = setup([mailboxRow()], failing(gmailDown()));
    await expect(renewal.renew('mb-1', { finalAttempt: true })).rejects.toThrow();
    expect(mailboxes.rows.get('mb-1')!.state).toBe('ok');
    expect(told).toEqual([]);
    expect(counted).toEqual(['failed']);
  });

  it('when a renewal succeeds after a lapse notice, then a later lapse is told again', async () => {
    let down = true;
    const gmail = { ...fakeWatchGmail().gmail };
    const healthy = gmail.watch;
    gmail.watch = async (topic) => (down ? Promise.reject(gmailDown()) : healthy(topic));
    const { renewal, mailboxes, told } = setup([mailboxRow({ watchExpiresAt: expiredAgo(HOUR) })], gmail);
    await renewal.renew('mb-1', { finalAttempt: true }).catch(() => undefined);
    down = false;
    await renewal.renew('mb-1', { finalAttempt: false });
    mailboxes.rows.get('mb-1')!.watchExpiresAt = expiredAgo(HOUR);
    down = true;
    await renewal.renew('mb-1', { finalAttempt: true }).catch(() => undefined);
    expect(told).toHaveLength(2);
  });
});

describe('maintenance', () => {
  it('when watches expire within the renewal window, then each gets a renewal job; an expired one is marked lapsed first', async () => {
    const { renewal, mailboxes, renewals, counted } = setup([
      mailboxRow({
        id: 'fresh',
        connectionId: 'c1',
        watchExpiresAt: new Date(NOW.getTime() + RENEW_WHEN_EXPIRING_WITHIN_MS + HOUR),
      }),
      mailboxRow({ id: 'due', connectionId: 'c2', watchExpiresAt: new Date(NOW.getTime() + DAY_MS) }),
      mailboxRow({ id: 'expired', connectionId: 'c3', watchExpiresAt: expiredAgo(HOUR) }),
      mailboxRow({ id: 'off', connectionId: 'c4', enabled: false, watchExpiresAt: expiredAgo(HOUR) }),
    ]);
    await expect(renewal.maintain()).resolves.toMatchObject({ renewals: 2 });
    expect(renewals.sort()).toEqual(['due', 'expired']);
    expect(mailboxes.rows.get('expired')).toMatchObject({
      state: 'lapsed',
      stateReason: 'the Gmail watch expired; renewing it',
    });
    expect(mailboxes.rows.get('due')!.state).toBe('ok');
    expect(counted).toEqual(['lapsed']);
  });

  it('when many watches have expired, then they are marked lapsed in one call, not one write each', async () => {
    const rows = Array.from({ length: 50 }, (_, i) =>
      mailboxRow({ id: `mb-${i}`, connectionId: `c${i}`, watchExpiresAt: i % 2 ? null : expiredAgo(HOUR) }),
    );
    const { renewal, mailboxes, renewals, counted } = setup(rows);
    const lapseCalls: string[][] = [];
    const lapseExpired = mailboxes.lapseExpired.bind(mailboxes);
    mailboxes.lapseExpired = async (ids, now) => (lapseCalls.push(ids), lapseExpired(ids, now));
    mailboxes.setState = async () => Promise.reject(new Error('one write per mailbox'));
    await renewal.maintain();
    expect(lapseCalls.map((ids) => ids.sort())).toEqual([rows.map((r) => r.id).sort()]);
    expect(counted).toEqual(rows.map(() => 'lapsed'));
    expect(renewals).toHaveLength(50);
    expect([...mailboxes.rows.values()].every((r) => r.state === 'lapsed')).toBe(true);
  });

  it('when a renewal finishes between maintenance reading the mailboxes and marking them, then that one is neither lapsed nor counted', async () => {
    const { renewal, mailboxes, renewals, counted } = setup([
      mailboxRow({ id: 'renewed', connectionId: 'c1', watchExpiresAt: expiredAgo(HOUR) }),
      mailboxRow({ id: 'expired', connectionId: 'c2', watchExpiresAt: expiredAgo(HOUR) }),
    ]);
    const dueForRenewal = mailboxes.dueForRenewal.bind(mailboxes);
    mailboxes.dueForRenewal = async (before) => {
      const due = await dueForRenewal(before);
      await mailboxes.recordWatch('renewed', new Date(NOW.getTime() + 7 * DAY_MS));
      return due;
    };
    await renewal.maintain();
    expect(mailboxes.rows.get('renewed')).toMatchObject({ state: 'ok', stateReason: null });
    expect(mailboxes.rows.get('expired')!.state).toBe('lapsed');
    expect(counted).toEqual(['lapsed']);
    expect(renewals.sort()).toEqual(['expired', 'renewed']);
  });

  it('when no watch has expired, then nothing is marked', async () => {
    const { renewal, mailboxes, renewals } = setup([
      mailboxRow({ watchExpiresAt: new Date(NOW.getTime() + DAY_MS) }),
    ]);
    mailboxes.lapseExpired = async () => Promise.reject(new Error('nothing to mark'));
    await renewal.maintain();
    expect(renewals).toEqual(['mb-1']);
  });

  it('when a lapsed mailbox is still due, then it is not counted as lapsing again', async () => {
    const { renewal, counted } = setup([mailboxRow({ watchExpiresAt: expiredAgo(HOUR), state: 'lapsed' })]);
    await renewal.maintain();
    expect(counted).toEqual([]);
  });

  it('when a mailbox has had neither a push nor a sync for a day, then a safety sync is scheduled', async () => {
    const { renewal, synced } = setup(
      [
        mailboxRow({ id: 'quiet', connectionId: 'c1', lastSyncAt: expiredAgo(25 * HOUR), lastPushAt: null }),
        mailboxRow({
          id: 'pushed',
          connectionId: 'c2',
          lastSyncAt: expiredAgo(25 * HOUR),
          lastPushAt: expiredAgo(HOUR),
        }),
        mailboxRow({ id: 'synced', connectionId: 'c3', lastSyncAt: expiredAgo(HOUR) }),
      ].map((m) => ({ ...m, watchExpiresAt: new Date(NOW.getTime() + 7 * DAY_MS) })),
    );
    await expect(renewal.maintain()).resolves.toEqual({ renewals: 0, safetySyncs: 1 });
    expect(synced).toEqual(['quiet']);
  });
});
