import type { Connection, MailboxSummary } from '../../src/modules/connect/domain/types';
import type { TriggerMessage } from '../../src/modules/send/domain/ports';
import { createConnectionStatus } from '../../src/modules/assistant/domain/connection-status';
import { SCOPES } from '../../src/shared/google-scopes';
import { manualClock } from '../helpers/send-fakes';

const TS = '1796119140.000100';

function setup(
  over: {
    trigger?: Partial<TriggerMessage>;
    connection?: Partial<Connection> | null;
    mailbox?: MailboxSummary;
  } = {},
) {
  const clock = manualClock(new Date('2026-12-01T10:00:00Z'));
  const trigger: TriggerMessage = {
    teamId: 'T1',
    channelId: 'C1',
    ts: TS,
    threadTs: null,
    userId: 'U1',
    authorIsMember: true,
    isBot: false,
    createdAt: clock.now(),
    ...over.trigger,
  };
  const connection = {
    id: 'c1',
    teamId: 'T1',
    userId: 'U1',
    email: 'me@example.com',
    scopes: [SCOPES.send, SCOPES.metadata, 'openid'],
    status: 'active',
    ...over.connection,
  } as Connection;
  const lookups: Array<[string, string]> = [];
  const status = createConnectionStatus({
    triggers: { findByTs: async (_team, ts) => (ts === TS ? [trigger] : []) },
    connections: {
      async findByUser(teamId, userId) {
        lookups.push([teamId, userId]);
        return over.connection === null ? undefined : connection;
      },
    },
    mailboxes: { find: async () => over.mailbox },
    clock,
    allowExternalAuthors: false,
  });
  return { status, lookups };
}

describe('get_connection_status', () => {
  it("when the trigger's author is connected, then their address, permissions and notifications are told", async () => {
    const { status, lookups } = setup({
      mailbox: { enabled: true, state: 'ok', stateReason: null, watchExpiresAt: null, lastNotifiedAt: null },
    });
    expect(await status(TS)).toEqual({
      connected: true,
      status: 'connected',
      email: 'me@example.com',
      permissions: ['send', 'read_headers'],
      notifications: 'on',
    });
    expect(lookups).toEqual([['T1', 'U1']]);
  });

  it('when the author never connected or revoked, then only "not connected" is told', async () => {
    expect(await setup({ connection: null }).status(TS)).toEqual({
      connected: false,
      status: 'not_connected',
    });
    expect(await setup({ connection: { status: 'revoked' } }).status(TS)).toEqual({
      connected: false,
      status: 'not_connected',
    });
  });

  it('when the connection stopped working, then it is told as invalid without the address', async () => {
    expect(await setup({ connection: { status: 'invalid' } }).status(TS)).toEqual({
      connected: false,
      status: 'connection_invalid',
    });
  });

  it('when the trigger is unknown, a bot, or from another workspace, then nobody is looked up', async () => {
    for (const [over, code] of [
      [{}, 'unknown_trigger'],
      [{ trigger: { isBot: true, userId: null } }, 'trigger_not_human'],
      [{ trigger: { authorIsMember: false } }, 'external_trigger'],
    ] as const) {
      const { status, lookups } = setup(over);
      await expect(status(code === 'unknown_trigger' ? '1796119140.999999' : TS)).rejects.toMatchObject({
        code,
      });
      expect(lookups).toEqual([]);
    }
  });
});
