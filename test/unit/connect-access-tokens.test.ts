import { createAccessTokens } from '../../src/modules/connect/domain/access-tokens';
import { tokenContext, type Connection } from '../../src/modules/connect/domain/types';
import {
  fakeClock,
  fakeConnections,
  fakeGoogle,
  grant,
  invalidGrant,
  seedConnection,
  testSealer,
} from '../helpers/connect-fakes';

const setup = (google = fakeGoogle()) => {
  const connections = fakeConnections();
  const sealer = testSealer();
  const clock = fakeClock();
  const invalid: Connection[] = [];
  const tokens = createAccessTokens({
    connections,
    sealer,
    clock,
    google: google.google,
    onInvalid: async (c) => void invalid.push(c),
  });
  return { connections, sealer, clock, tokens, invalid, calls: google.calls };
};

describe('access tokens of a connection', () => {
  it('when a token was fetched and is still fresh, then it is served from the cache without calling Google', async () => {
    const { connections, sealer, tokens, calls } = setup();
    const c = seedConnection(connections, sealer, { refreshToken: 'refresh-1' });
    expect((await tokens.forConnection(c.id)).accessToken).toBe('access-1');
    expect((await tokens.forConnection(c.id)).accessToken).toBe('access-1');
    expect(calls.refresh).toEqual(['refresh-1']);
  });

  it('when the cached token is within a minute of expiry, then it is refreshed at Google', async () => {
    const { connections, sealer, tokens, clock, calls } = setup();
    const c = seedConnection(connections, sealer);
    await tokens.forConnection(c.id);
    clock.advance(59 * 60_000 + 1); // the fake grant expires at 13:00, the clock starts at 12:00
    expect((await tokens.forConnection(c.id)).accessToken).toBe('access-2');
    expect(calls.refresh).toHaveLength(2);
  });

  it('when callers ask at the same time, then they share one refresh', async () => {
    const { connections, sealer, tokens, calls } = setup();
    const c = seedConnection(connections, sealer);
    const [a, b] = await Promise.all([tokens.forConnection(c.id), tokens.forConnection(c.id)]);
    expect(a.accessToken).toBe(b.accessToken);
    expect(calls.refresh).toHaveLength(1);
  });

  it('when the connection was made again since the token was cached, then the cached token is not reused', async () => {
    const { connections, sealer, tokens, calls } = setup();
    const c = seedConnection(connections, sealer);
    await tokens.forConnection(c.id);
    connections.rows.get(c.id)!.connectedAt = new Date('2026-11-20T11:59:00Z');
    expect((await tokens.forConnection(c.id)).accessToken).toBe('access-2');
    expect(calls.refresh).toHaveLength(2);
  });

  it('when a token is forgotten, then the next request refreshes it', async () => {
    const { connections, sealer, tokens, calls } = setup();
    const c = seedConnection(connections, sealer);
    await tokens.forConnection(c.id);
    tokens.forget(c.id);
    await tokens.forConnection(c.id);
    expect(calls.refresh).toHaveLength(2);
  });

  it('when Google rotates the refresh token, then the new one is stored sealed for the same user', async () => {
    const google = fakeGoogle({ refresh: async () => grant({ refreshToken: 'refresh-rotated' }) });
    const { connections, sealer, tokens } = setup(google);
    const c = seedConnection(connections, sealer);
    await tokens.forConnection(c.id);
    const sealed = connections.rows.get(c.id)!.sealedToken!;
    expect(sealer.openString(sealed, tokenContext(c.teamId, c.userId))).toBe('refresh-rotated');
  });

  it('when Google answers invalid_grant, then the connection turns invalid, onInvalid runs once and the caller learns connection_invalid', async () => {
    const google = fakeGoogle({ refresh: async () => Promise.reject(invalidGrant()) });
    const { connections, sealer, tokens, invalid } = setup(google);
    const c = seedConnection(connections, sealer);
    const failures = await Promise.all([
      tokens.forConnection(c.id).catch((e: unknown) => e),
      tokens.forConnection(c.id).catch((e: unknown) => e),
    ]);
    for (const f of failures) expect(f).toMatchObject({ code: 'connection_invalid', kind: 'user' });
    expect(connections.rows.get(c.id)!.status).toBe('invalid');
    expect(invalid).toEqual([expect.objectContaining({ id: c.id, status: 'invalid' })]);
    await expect(tokens.forConnection(c.id)).rejects.toMatchObject({ code: 'connection_invalid' });
    expect(invalid).toHaveLength(1);
  });

  it('when Google is unreachable, then its transient failure reaches the caller and the connection stays active', async () => {
    const { connectErrors } = await import('../../src/modules/connect/domain/errors');
    const google = fakeGoogle({
      refresh: async () =>
        Promise.reject(connectErrors.fail('google_timeout', 'token refresh failed: timeout')),
    });
    const { connections, sealer, tokens } = setup(google);
    const c = seedConnection(connections, sealer);
    await expect(tokens.forConnection(c.id)).rejects.toMatchObject({
      code: 'google_timeout',
      retryable: true,
    });
    expect(connections.rows.get(c.id)!.status).toBe('active');
  });

  it('when the connection is gone or revoked, then the caller learns not_connected; when invalid, connection_invalid', async () => {
    const { connections, sealer, tokens, calls } = setup();
    await expect(tokens.forConnection('nope')).rejects.toMatchObject({ code: 'not_connected' });
    const revoked = seedConnection(connections, sealer, { userId: 'U2', status: 'revoked' });
    await expect(tokens.forConnection(revoked.id)).rejects.toMatchObject({ code: 'not_connected' });
    const invalid = seedConnection(connections, sealer, { userId: 'U3', status: 'invalid' });
    await expect(tokens.forConnection(invalid.id)).rejects.toMatchObject({ code: 'connection_invalid' });
    expect(calls.refresh).toEqual([]);
  });

  it('when the stored token cannot be opened, then the failure names the sealing problem for that connection only', async () => {
    const { connections, sealer, tokens } = setup();
    const c = seedConnection(connections, sealer);
    connections.rows.get(c.id)!.sealedToken = sealer.seal('refresh-1', tokenContext('T9', 'U9'));
    await expect(tokens.forConnection(c.id)).rejects.toMatchObject({
      code: 'sealed_data_tampered',
      kind: 'internal',
    });
    const other = seedConnection(connections, sealer, { userId: 'U2' });
    await expect(tokens.forConnection(other.id)).resolves.toBeDefined();
  });

  it('when a connection turns invalid, then the caller learns connection_invalid only after onInvalid has finished', async () => {
    const connections = fakeConnections();
    const sealer = testSealer();
    const told: string[] = [];
    const tokens = createAccessTokens({
      connections,
      sealer,
      clock: fakeClock(),
      google: fakeGoogle({ refresh: async () => Promise.reject(invalidGrant()) }).google,
      onInvalid: async (c) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        told.push(c.id);
      },
    });
    const c = seedConnection(connections, sealer);
    await expect(tokens.forConnection(c.id)).rejects.toMatchObject({ code: 'connection_invalid' });
    expect(told).toEqual([c.id]);
  });
});
