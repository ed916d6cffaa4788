import { createDisconnect } from '../../src/modules/connect/domain/disconnect';
import { createRevocations } from '../../src/modules/connect/domain/revocations';
import { tokenContext } from '../../src/modules/connect/domain/types';
import { disconnectText } from '../../src/modules/connect/replies';
import {
  fakeAudit,
  fakeEvents,
  fakeRevocationStore,
  fakeTokenWorld,
  seedConnection,
} from '../helpers/connect-fakes';

const setup = (revoke?: (token: string) => Promise<void>) => {
  const { connections, sealer, clock, google, accessTokens } = fakeTokenWorld(revoke ? { revoke } : {});
  const audit = fakeAudit();
  const events = fakeEvents();
  const revocations = createRevocations({
    revocationStore: fakeRevocationStore(),
    connections,
    sealer,
    clock,
    google: google.google,
    scheduleRetry: async () => {},
  });
  const disconnect = createDisconnect({ connections, audit, clock, revocations, accessTokens, events });
  return { connections, sealer, audit, events, disconnect, calls: google.calls, accessTokens };
};

describe('disconnecting Gmail', () => {
  it('when nobody is connected, then there is nothing to disconnect', async () => {
    const { disconnect, connections, sealer, events } = setup();
    await expect(disconnect('T1', 'U1')).resolves.toEqual({ status: 'not_connected' });
    seedConnection(connections, sealer, { status: 'revoked' });
    await expect(disconnect('T1', 'U1')).resolves.toEqual({ status: 'not_connected' });
    expect(events.emitted).toEqual([]);
  });

  it('when connected, then the work tied to the grant ends, the row is revoked, the token revoked at Google and the decision audited', async () => {
    const { disconnect, connections, sealer, events, calls, audit } = setup();
    const c = seedConnection(connections, sealer, { refreshToken: 'refresh-1' });
    const result = await disconnect('T1', 'U1');
    expect(result).toEqual({ status: 'disconnected', email: 'ada@example.com', revocation: 'revoked' });
    expect(events.emitted).toEqual([['ended', 'ada@example.com']]);
    expect(connections.rows.get(c.id)).toMatchObject({ status: 'revoked', sealedToken: null });
    expect(calls.revoke).toEqual(['refresh-1']);
    expect(audit.entries).toEqual([
      { teamId: 'T1', userId: 'U1', kind: 'disconnect', result: 'success', reason: 'revoked' },
    ]);
    expect(disconnectText(result)).toBe(
      'Disconnected ada@example.com. Mailbridge forgot its access and Google revoked it. Notifications are off and pending emails were cancelled.',
    );
  });

  it('when Google cannot be reached, then the disconnect still completes and the revocation is pending', async () => {
    const { disconnect, connections, sealer } = setup(() => Promise.reject(new Error('timeout')));
    seedConnection(connections, sealer);
    const result = await disconnect('T1', 'U1');
    expect(result).toMatchObject({ status: 'disconnected', revocation: 'pending' });
    expect(disconnectText(result)).toContain('; revoking it at Google will be retried in the background.');
  });

  it('when another Slack user uses the same Google account, then its grant is kept', async () => {
    const { disconnect, connections, sealer, calls } = setup();
    seedConnection(connections, sealer);
    seedConnection(connections, sealer, { userId: 'U2' });
    const result = await disconnect('T1', 'U1');
    expect(result).toMatchObject({ revocation: 'kept_in_use' });
    expect(calls.revoke).toEqual([]);
    expect(disconnectText(result)).toContain(
      '(the Google account stays authorized because another Slack user is connected to it)',
    );
  });

  it('when the stored token cannot be read, then the person can still disconnect and nothing is revoked', async () => {
    const { disconnect, connections, sealer, calls, audit } = setup();
    const c = seedConnection(connections, sealer);
    connections.rows.get(c.id)!.sealedToken = sealer.seal('x', tokenContext('T9', 'U9'));
    const result = await disconnect('T1', 'U1');
    expect(result).toMatchObject({ status: 'disconnected', revocation: 'token_unreadable' });
    expect(connections.rows.get(c.id)!.status).toBe('revoked');
    expect(calls.revoke).toEqual([]);
    expect(audit.entries[0]!.reason).toBe('token_unreadable');
    expect(disconnectText(result)).toBe(
      'Disconnected ada@example.com. Mailbridge forgot its access. Notifications are off and pending emails were cancelled.',
    );
  });

  it('when a token was cached, then it is forgotten with the connection', async () => {
    const { disconnect, connections, sealer, accessTokens, calls } = setup();
    const c = seedConnection(connections, sealer);
    await accessTokens.forConnection(c.id);
    await disconnect('T1', 'U1');
    await expect(accessTokens.forConnection(c.id)).rejects.toMatchObject({ code: 'not_connected' });
    expect(calls.refresh).toHaveLength(1);
  });
});
