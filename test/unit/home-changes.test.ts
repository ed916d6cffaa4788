import { homeRefreshing as refreshingDrafts } from '../../src/modules/send/home-changes';
import { homeRefreshing as refreshingMailboxes } from '../../src/modules/notify/home-changes';
import { HELLO_CONTENT, memoryDrafts, newDraft, pendingDraft } from '../helpers/send-fakes';
import { mailboxRow, memoryMailboxes, NOW } from '../helpers/notify-fakes';

/** Refresh requests, recorded; the look-ups behind them settle within a few turns of the event loop. */
const recorder = () => {
  const asked: string[] = [];
  return { asked, refresh: (teamId: string, userId: string) => void asked.push(`${teamId}:${userId}`) };
};
const settled = () => new Promise((r) => setImmediate(r));

describe('App Home is told of the changes it shows', () => {
  it('when a draft is staged or changes status, then its owner’s Home is refreshed; a move that did not happen tells nothing', async () => {
    const { asked, refresh } = recorder();
    const draft = pendingDraft(NOW, { id: 'd1', teamId: 'T1', userId: 'U1' });
    const drafts = refreshingDrafts(memoryDrafts(draft), refresh);
    await drafts.create(newDraft(NOW, { id: 'd2', teamId: 'T1', userId: 'U2' }), HELLO_CONTENT);
    expect(asked).toEqual(['T1:U2']);
    expect(await drafts.transition('d1', ['pending'], 'cancelled')).toBe(true);
    await settled();
    expect(asked).toEqual(['T1:U2', 'T1:U1']);
    expect(await drafts.transition('d1', ['pending'], 'expired')).toBe(false);
    await settled();
    expect(asked).toHaveLength(2);
  });

  it('when an edit of a pending email is saved, then the owner’s Home is refreshed; a refused edit changes nothing', async () => {
    const { asked, refresh } = recorder();
    const draft = pendingDraft(NOW, { id: 'd1', teamId: 'T1', userId: 'U1' });
    const drafts = refreshingDrafts(memoryDrafts(draft), refresh);
    expect(await drafts.edit(draft, { ...HELLO_CONTENT, subject: 'New' }, NOW)).toMatchObject({ version: 2 });
    expect(asked).toEqual(['T1:U1']);
    expect(await drafts.edit(draft, HELLO_CONTENT, NOW)).toBeUndefined();
    expect(asked).toEqual(['T1:U1']);
  });

  it('when a watch is renewed (a later expiry, a lapsed watch healthy again), then the owner’s Home is refreshed', async () => {
    const { asked, refresh } = recorder();
    const store = memoryMailboxes([mailboxRow({ state: 'lapsed' })]);
    const mailboxes = refreshingMailboxes(store, refresh);
    const later = new Date(NOW.getTime() + 7 * 24 * 3_600_000);
    await mailboxes.recordWatch('mb-1', later);
    await settled();
    expect(asked).toEqual(['T1:U1']);
    expect(await store.findById('mb-1')).toMatchObject({ watchExpiresAt: later });
  });

  it('when expired watches are marked lapsed together, then each owner’s Home is refreshed once, without reading each mailbox', async () => {
    const { asked, refresh } = recorder();
    const expired = new Date(NOW.getTime() - 3_600_000);
    const store = memoryMailboxes([
      mailboxRow({ id: 'a', connectionId: 'c1', watchExpiresAt: expired }),
      mailboxRow({ id: 'b', connectionId: 'c2', watchExpiresAt: expired }),
      mailboxRow({ id: 'c', connectionId: 'c3', userId: 'U2', watchExpiresAt: expired }),
      mailboxRow({ id: 'd', connectionId: 'c4', userId: 'U3' }),
    ]);
    store.findById = async () => Promise.reject(new Error('a read per mailbox'));
    const mailboxes = refreshingMailboxes(store, refresh);
    expect(await mailboxes.lapseExpired(['a', 'b', 'c', 'd'], NOW)).toHaveLength(3);
    expect(asked.sort()).toEqual(['T1:U1', 'T1:U2']);
    expect(await mailboxes.lapseExpired(['a'], NOW)).toEqual([]);
    expect(asked).toHaveLength(2);
  });

  it('when notifications go on or off, a sync notified, or the watch state changes, then the owner’s Home is refreshed', async () => {
    const { asked, refresh } = recorder();
    const mailboxes = refreshingMailboxes(memoryMailboxes([mailboxRow({ enabled: false })]), refresh);
    await mailboxes.enable({
      connection: { id: 'conn-1', teamId: 'T1', userId: 'U1', email: 'ada@example.com' },
      historyId: 1n,
      watchExpiresAt: NOW,
      now: NOW,
      resetCursor: true,
    });
    await mailboxes.disable('conn-1', 'ok', null);
    await mailboxes.recordSync('mb-1', { now: NOW, notified: false, state: 'ok', problem: null });
    await mailboxes.recordSync('mb-1', { now: NOW, notified: true, state: 'ok', problem: null });
    await mailboxes.setState('mb-1', 'lapsed', null);
    await settled();
    expect(asked).toEqual(['T1:U1', 'T1:U1', 'T1:U1', 'T1:U1']);
  });
});
