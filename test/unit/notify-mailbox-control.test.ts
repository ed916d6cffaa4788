import { createMailboxControl } from '../../src/modules/notify/domain/mailbox-control';
import { notifyErrors } from '../../src/modules/notify/domain/errors';
import type { ConnectionView, GmailPort } from '../../src/modules/notify/domain/ports';
import { connectErrors } from '../../src/modules/connect/domain/errors';
import { SCOPES } from '../../src/shared/google-scopes';
import { enableReply } from '../../src/modules/notify/replies';
import { DAY_MS, NOW, fakeWatchGmail, mailboxRow, memoryMailboxes, silentLog } from '../helpers/notify-fakes';

const connection = (over: Partial<ConnectionView> = {}): ConnectionView => ({
  id: 'conn-1',
  teamId: 'T1',
  userId: 'U1',
  email: 'ada@example.com',
  scopes: [SCOPES.send, SCOPES.metadata],
  status: 'active',
  ...over,
});

function setup(
  opts: {
    conn?: ConnectionView;
    gmail?: GmailPort;
    openGmail?: () => Promise<GmailPort>;
    rows?: ReturnType<typeof mailboxRow>[];
  } = {},
) {
  const mailboxes = memoryMailboxes(opts.rows);
  const { gmail, calls } = fakeWatchGmail();
  const synced: string[] = [];
  const log = silentLog();
  const control = createMailboxControl({
    mailboxes,
    openGmail: opts.openGmail ?? (async () => opts.gmail ?? gmail),
    clock: { now: () => NOW },
    log,
    findConnection: async (teamId, userId) =>
      'conn' in opts ? opts.conn : teamId === 'T1' && userId === 'U1' ? connection() : undefined,
    topicName: 'projects/p/topics/gmail',
    scheduleSync: async (id) => void synced.push(id),
  });
  return { control, mailboxes, calls, synced, log };
}

const failingWatch = (err: unknown): GmailPort => ({
  ...fakeWatchGmail().gmail,
  watch: async () => Promise.reject(err),
});

describe('turning notifications on', () => {
  it('when the connection can read headers, then the watch starts, the mailbox is on from its history id and one sync is scheduled', async () => {
    const { control, mailboxes, calls, synced } = setup();
    const result = await control.enable('T1', 'U1');
    expect(result).toEqual({
      kind: 'enabled',
      email: 'ada@example.com',
      watchExpiresAt: new Date(NOW.getTime() + 7 * DAY_MS),
      alreadyOn: false,
    });
    expect(calls).toEqual(['watch projects/p/topics/gmail']);
    const [row] = [...mailboxes.rows.values()];
    expect(row).toMatchObject({ connectionId: 'conn-1', enabled: true, historyId: 500n, state: 'ok' });
    expect(synced).toEqual([row!.id]);
  });

  it('when notifications were already on for the same address, then they stay on and the cursor is kept', async () => {
    const { control, mailboxes } = setup({ rows: [mailboxRow({ historyId: 120n })] });
    await expect(control.enable('T1', 'U1')).resolves.toMatchObject({ kind: 'enabled', alreadyOn: true });
    expect(mailboxes.rows.get('mb-1')!.historyId).toBe(120n);
  });

  it('when they were off, then mail that arrived meanwhile is not announced: the cursor restarts at the watch', async () => {
    const { control, mailboxes } = setup({ rows: [mailboxRow({ enabled: false, historyId: 120n })] });
    await expect(control.enable('T1', 'U1')).resolves.toMatchObject({ kind: 'enabled', alreadyOn: false });
    expect(mailboxes.rows.get('mb-1')!.historyId).toBe(500n);
  });

  it('when Gmail is not connected, then the answer is not_connected and Gmail is not called', async () => {
    const { control, calls } = setup({ conn: undefined });
    await expect(control.enable('T1', 'U1')).resolves.toEqual({ kind: 'not_connected' });
    expect(calls).toEqual([]);
  });

  it('when the connection was revoked, then it counts as not connected', async () => {
    const { control } = setup({ conn: connection({ status: 'revoked' }) });
    await expect(control.enable('T1', 'U1')).resolves.toEqual({ kind: 'not_connected' });
  });

  it('when the grant has no read scope, then the person is asked to grant it (no watch)', async () => {
    const { control, calls } = setup({ conn: connection({ scopes: [SCOPES.send] }) });
    await expect(control.enable('T1', 'U1')).resolves.toEqual({
      kind: 'needs_grant',
      email: 'ada@example.com',
    });
    expect(calls).toEqual([]);
  });

  it('when the connection is invalid, then the answer says so without calling Gmail', async () => {
    const { control, calls } = setup({ conn: connection({ status: 'invalid' }) });
    await expect(control.enable('T1', 'U1')).resolves.toEqual({
      kind: 'connection_invalid',
      email: 'ada@example.com',
    });
    expect(calls).toEqual([]);
  });

  it('when connect finds the connection no longer usable while opening Gmail, then it is connection_invalid', async () => {
    const { control, mailboxes } = setup({
      openGmail: async () => Promise.reject(connectErrors.fail('connection_invalid', 'gone')),
    });
    await expect(control.enable('T1', 'U1')).resolves.toMatchObject({ kind: 'connection_invalid' });
    expect(mailboxes.rows.size).toBe(0);
  });

  it('when Gmail refuses the watch (403), then the person is asked to grant access again', async () => {
    const { control } = setup({
      gmail: failingWatch(notifyErrors.fail('gmail_forbidden', 'users.watch: forbidden')),
    });
    await expect(control.enable('T1', 'U1')).resolves.toMatchObject({ kind: 'needs_grant' });
  });

  it("when Gmail is down, then it failed with Gmail's failure and nothing is turned on", async () => {
    const { control, mailboxes } = setup({
      gmail: failingWatch(notifyErrors.fail('gmail_server', 'users.watch: server')),
    });
    const result = await control.enable('T1', 'U1');
    expect(result).toEqual({
      kind: 'failed',
      email: 'ada@example.com',
      failure: { code: 'gmail_server', message: 'users.watch: server' },
    });
    expect((await enableReply(result, async () => ({ text: '' }))).text).toBe(
      'Could not turn on new-mail notifications for ada@example.com: Gmail could not be reached after several tries; the next new mail triggers another attempt. Please try again in a minute.',
    );
    expect(mailboxes.rows.size).toBe(0);
  });
});

describe('turning notifications off', () => {
  it('when they are on, then they turn off and the Gmail watch is stopped', async () => {
    const { control, mailboxes, calls } = setup({ rows: [mailboxRow()] });
    await expect(control.disable('T1', 'U1')).resolves.toEqual({
      kind: 'disabled',
      email: 'ada@example.com',
    });
    expect(mailboxes.rows.get('mb-1')).toMatchObject({
      enabled: false,
      state: 'ok',
      stateReason: 'turned off with /ai-email-notifications off',
    });
    expect(calls).toEqual(['stop']);
  });

  it('when they are already off, then nothing is stopped', async () => {
    const { control, calls } = setup({ rows: [mailboxRow({ enabled: false })] });
    await expect(control.disable('T1', 'U1')).resolves.toEqual({ kind: 'already_off' });
    expect(calls).toEqual([]);
  });

  it('when Gmail is not connected, then there is nothing to turn off', async () => {
    const { control } = setup({ conn: undefined });
    await expect(control.disable('T1', 'U1')).resolves.toEqual({ kind: 'not_connected' });
  });

  it('when users.stop fails, then notifications are off all the same (the failure is only logged)', async () => {
    const gmail = { ...fakeWatchGmail().gmail, stop: async () => Promise.reject(new Error('down')) };
    const { control, mailboxes, log } = setup({ rows: [mailboxRow()], gmail });
    await expect(control.disable('T1', 'U1')).resolves.toMatchObject({ kind: 'disabled' });
    expect(mailboxes.rows.get('mb-1')!.enabled).toBe(false);
    expect(log.warnings).toEqual(['users.stop failed; ignored']);
  });
});

describe('when the connection ends', () => {
  it('when the person disconnects, then notifications turn off and the watch is stopped', async () => {
    const { control, mailboxes, calls } = setup({ rows: [mailboxRow()] });
    await control.connectionEnded('conn-1');
    expect(mailboxes.rows.get('mb-1')).toMatchObject({
      enabled: false,
      stateReason: 'Gmail was disconnected',
    });
    expect(calls).toEqual(['stop']);
  });

  it('when notifications were already off, then Gmail is not called', async () => {
    const { control, calls } = setup({ rows: [mailboxRow({ enabled: false })] });
    await control.connectionEnded('conn-1');
    expect(calls).toEqual([]);
  });

  it('when Google no longer accepts the connection, then notifications turn off with an error and no Gmail call', async () => {
    const { control, mailboxes, calls } = setup({ rows: [mailboxRow()] });
    await control.connectionInvalid('conn-1');
    expect(mailboxes.rows.get('mb-1')).toMatchObject({
      enabled: false,
      state: 'error',
      stateReason: 'Google no longer accepts the Gmail connection (access removed or expired)',
    });
    expect(calls).toEqual([]);
  });
});

describe('the status of notifications', () => {
  it('when asked, then the connection and its mailbox are returned together', async () => {
    const { control } = setup({ rows: [mailboxRow()] });
    const { connection: conn, mailbox } = await control.mailboxOf('T1', 'U1');
    expect(conn?.id).toBe('conn-1');
    expect(mailbox?.id).toBe('mb-1');
  });

  it('when not connected, then there is neither', async () => {
    const { control } = setup({ conn: undefined });
    await expect(control.mailboxOf('T1', 'U1')).resolves.toEqual({
      connection: undefined,
      mailbox: undefined,
    });
  });
});
