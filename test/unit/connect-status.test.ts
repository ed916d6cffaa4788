import { connectErrors } from '../../src/modules/connect/domain/errors';
import { createCheckStatus } from '../../src/modules/connect/domain/status';
import { tokenContext, type MailboxSummary } from '../../src/modules/connect/domain/types';
import { statusText } from '../../src/modules/connect/replies';
import type { GoogleAuth } from '../../src/modules/connect/domain/ports';
import { fakeMailboxes, fakeTokenWorld, invalidGrant, seedConnection } from '../helpers/connect-fakes';

const METADATA = 'https://www.googleapis.com/auth/gmail.metadata';
const SEND = 'https://www.googleapis.com/auth/gmail.send';

const setup = (p: { refresh?: GoogleAuth['refresh']; mailbox?: MailboxSummary } = {}) => {
  const { connections, sealer, clock, accessTokens } = fakeTokenWorld(
    p.refresh ? { refresh: p.refresh } : {},
  );
  const mailboxes = fakeMailboxes(p.mailbox ? { 'conn-1': p.mailbox } : {});
  const checkStatus = createCheckStatus({ connections, accessTokens, mailboxes, clock });
  return { connections, sealer, checkStatus };
};

const mailbox = (p: Partial<MailboxSummary> = {}): MailboxSummary => ({
  enabled: true,
  state: 'ok',
  stateReason: null,
  watchExpiresAt: new Date('2026-11-25T08:30:00Z'),
  lastNotifiedAt: new Date('2026-11-20T11:00:00Z'),
  ...p,
});

describe('the answer to /ai-email-status', () => {
  it('when nobody is connected, then it says how to connect', async () => {
    const { checkStatus } = setup();
    const check = await checkStatus('T1', 'U1');
    expect(check).toEqual({ report: { kind: 'not_connected' }, problem: undefined });
    expect(statusText(check)).toBe('Gmail is not connected. Run `/ai-email-connect` to connect your Gmail.');
  });

  it('when connected without notifications, then it shows the account, since when, the permissions and how to turn notifications on', async () => {
    const { checkStatus, connections, sealer } = setup();
    seedConnection(connections, sealer, { scopes: [SEND] });
    expect(statusText(await checkStatus('T1', 'U1'))).toBe(
      [
        'Connected as *ada@example.com* since 2026-11-01 09:00 UTC.',
        'Permissions: send.',
        'New-mail notifications: off (needs permission to read headers; `/ai-email-notifications on` asks for it).',
      ].join('\n'),
    );
  });

  it('when notifications are on with a healthy watch, then it says until when and the last notification', async () => {
    const { checkStatus, connections, sealer } = setup({ mailbox: mailbox() });
    seedConnection(connections, sealer, { scopes: [SEND, METADATA] });
    const text = statusText(await checkStatus('T1', 'U1'));
    expect(text).toContain('Permissions: send, read headers.');
    expect(text).toContain('New-mail notifications: on; watch healthy until 2026-11-25 08:30 UTC.');
    expect(text).toContain('Last notification: 2026-11-20 11:00 UTC.');
  });

  it('when the watch has lapsed, then it says why and how to restart it', async () => {
    const { checkStatus, connections, sealer } = setup({
      mailbox: mailbox({ state: 'lapsed', stateReason: 'Gmail refused the watch', lastNotifiedAt: null }),
    });
    seedConnection(connections, sealer, { scopes: [SEND, METADATA] });
    const text = statusText(await checkStatus('T1', 'U1'));
    expect(text).toContain(
      'New-mail notifications: on, but the Gmail watch has lapsed (Gmail refused the watch). Run `/ai-email-notifications on` to restart it.',
    );
    expect(text).toContain('Last notification: none yet.');
  });

  it('when Google refuses the grant during the check, then the connection is reported invalid', async () => {
    const { checkStatus, connections, sealer } = setup({ refresh: () => Promise.reject(invalidGrant()) });
    seedConnection(connections, sealer);
    const check = await checkStatus('T1', 'U1');
    expect(check.problem).toBeUndefined();
    expect(statusText(check)).toBe(
      'Your Gmail connection (ada@example.com) is no longer valid — Google refused it (access removed or password changed). Run `/ai-email-connect` to reconnect.',
    );
  });

  it('when Google cannot be reached, then the status is shown with a warning and the failure is named for the log', async () => {
    const { checkStatus, connections, sealer } = setup({
      refresh: () => Promise.reject(connectErrors.fail('google_timeout', 'token refresh failed: timeout')),
    });
    seedConnection(connections, sealer);
    const check = await checkStatus('T1', 'U1');
    expect(check.problem).toEqual({
      kind: 'google_unreachable',
      code: 'google_timeout',
      connectionId: 'conn-1',
    });
    expect(statusText(check)).toMatch(
      /^Connected as .*\n:warning: Google could not be reached to check the connection just now\.$/s,
    );
  });

  it('when the stored credentials cannot be opened, then the warning says to reconnect', async () => {
    const { checkStatus, connections, sealer } = setup();
    const c = seedConnection(connections, sealer);
    connections.rows.get(c.id)!.sealedToken = sealer.seal('x', tokenContext('T9', 'U9'));
    const check = await checkStatus('T1', 'U1');
    expect(check.problem).toMatchObject({ kind: 'credentials_unreadable', code: 'sealed_data_tampered' });
    expect(statusText(check)).toContain(
      '\n:warning: The stored credentials cannot be read (encryption key missing or data damaged). Run `/ai-email-connect` to reconnect.',
    );
  });
});
