import { createRevocations } from '../../src/modules/connect/domain/revocations';
import { KEPT_NOTE, revocationContext } from '../../src/modules/connect/domain/types';
import {
  fakeClock,
  fakeConnections,
  fakeGoogle,
  fakeRevocationStore,
  seedConnection,
  testSealer,
} from '../helpers/connect-fakes';

const request = { teamId: 'T1', userId: 'U1', googleSub: 'sub-9', refreshToken: 'refresh-old' };

const setup = (revoke?: (token: string) => Promise<void>) => {
  const store = fakeRevocationStore();
  const connections = fakeConnections();
  const sealer = testSealer();
  const google = fakeGoogle(revoke ? { revoke } : {});
  const scheduled: string[] = [];
  const revocations = createRevocations({
    revocationStore: store,
    connections,
    sealer,
    clock: fakeClock(),
    google: google.google,
    scheduleRetry: async (id) => void scheduled.push(id),
  });
  return { store, connections, sealer, revocations, scheduled, calls: google.calls };
};

const down = () => Promise.reject(new Error('connect ECONNREFUSED'));

describe('revoking a token at Google', () => {
  it('when Google accepts at once, then the token is revoked and nothing is parked', async () => {
    const { revocations, store, calls } = setup();
    await expect(revocations.revokeNowOrLater(request)).resolves.toBe('revoked');
    expect(calls.revoke).toEqual(['refresh-old']);
    expect(store.rows.size).toBe(0);
  });

  it('when Google fails, then the token is parked sealed, its failure recorded and a retry scheduled', async () => {
    const { revocations, store, scheduled, sealer } = setup(down);
    await expect(revocations.revokeNowOrLater(request)).resolves.toBe('pending');
    const [parked] = [...store.rows.values()];
    expect(parked).toMatchObject({ teamId: 'T1', userId: 'U1', googleSub: 'sub-9', attempts: 1 });
    expect(parked!.lastError).toContain('ECONNREFUSED');
    expect(sealer.openString(parked!.sealed, revocationContext(parked!.id))).toBe('refresh-old');
    expect(scheduled).toEqual([parked!.id]);
  });

  it('when another Slack user is connected to the same Google account, then nothing is revoked', async () => {
    const { revocations, connections, sealer, calls } = setup();
    seedConnection(connections, sealer, { userId: 'U2', googleSub: 'sub-9' });
    await expect(revocations.revokeNowOrLater(request)).resolves.toBe('kept_in_use');
    expect(calls.revoke).toEqual([]);
  });

  it('when a parked revocation is retried and Google accepts, then it is done and its token forgotten', async () => {
    let fail = true;
    const { revocations, store, calls } = setup(async (t) => {
      calls.revoke.push(t);
      if (fail) throw new Error('HTTP 503');
    });
    await revocations.revokeNowOrLater(request);
    const [id] = await store.listOpenIds();
    fail = false;
    await expect(revocations.retry(id!)).resolves.toBe('done');
    expect(store.rows.get(id!)!.doneAt).toBeDefined();
    expect(calls.revoke).toEqual(['refresh-old', 'refresh-old']);
    await expect(revocations.retry(id!)).resolves.toBe('gone');
  });

  it('when a retry meets Google failing again, then a transient revocation_failed is thrown and the attempt counted', async () => {
    const { revocations, store } = setup(down);
    await revocations.revokeNowOrLater(request);
    const [id] = await store.listOpenIds();
    await expect(revocations.retry(id!)).rejects.toMatchObject({
      code: 'revocation_failed',
      retryable: true,
    });
    expect(store.rows.get(id!)!.attempts).toBe(2);
  });

  it('when the account was connected again before the retry, then the parked token is kept and closed with a note', async () => {
    const { revocations, store, connections, sealer } = setup(down);
    await revocations.revokeNowOrLater(request);
    const [id] = await store.listOpenIds();
    seedConnection(connections, sealer, { googleSub: 'sub-9' });
    await expect(revocations.retry(id!)).resolves.toBe('kept_in_use');
    expect(store.rows.get(id!)).toMatchObject({ lastError: KEPT_NOTE });
  });

  it('when an account is connected again, then its parked revocations are superseded', async () => {
    const { revocations, store } = setup(down);
    await revocations.revokeNowOrLater(request);
    await expect(revocations.supersede('sub-9')).resolves.toBe(1);
    expect(await store.listOpenIds()).toEqual([]);
  });
});
