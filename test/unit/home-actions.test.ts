import { createHomeActions } from '../../src/modules/home/domain/home-actions';
import { signHomeButton } from '../../src/modules/home/domain/home-button';
import { createHomeRefresh } from '../../src/modules/home/domain/refresh-home';
import type { HomeState } from '../../src/modules/home/domain/types';
import { signToken } from '../../src/shared/crypto';

const KEY = 'k'.repeat(32);

const CONNECTED_AT = new Date('2026-11-20T10:00:00Z');

const actions = (
  current: { id: string; connectedAt: Date } | null = { id: 'conn-1', connectedAt: CONNECTED_AT },
) => {
  const ran: string[] = [];
  const refreshed: string[] = [];
  const click = createHomeActions({
    signingKey: KEY,
    currentConnection: async () => current ?? undefined,
    run: async (action, teamId, userId) => void ran.push(`${action}:${teamId}:${userId}`),
    refreshHome: (teamId, userId) => void refreshed.push(`${teamId}:${userId}`),
  });
  return { click, ran, refreshed };
};

const disconnectValue = signHomeButton(KEY, {
  teamId: 'T1',
  userId: 'U1',
  action: 'disconnect',
  connectionId: 'conn-1',
  connectedAt: CONNECTED_AT.getTime(),
});

describe('a click on a Home button', () => {
  it('when the owner clicks a button signed for them, then it runs and the Home is refreshed', async () => {
    const { click, ran, refreshed } = actions();
    const result = await click({ teamId: 'T1', userId: 'U1', action: 'disconnect', value: disconnectValue });
    expect(result).toEqual({ kind: 'done' });
    expect(ran).toEqual(['disconnect:T1:U1']);
    expect(refreshed).toEqual(['T1:U1']);
  });

  it('when someone else sends the owner’s value, or another team, then nothing runs', async () => {
    const { click, ran } = actions();
    expect(await click({ teamId: 'T1', userId: 'U2', action: 'disconnect', value: disconnectValue })).toEqual(
      {
        kind: 'refused',
      },
    );
    expect(await click({ teamId: 'T2', userId: 'U1', action: 'disconnect', value: disconnectValue })).toEqual(
      {
        kind: 'refused',
      },
    );
    expect(ran).toEqual([]);
  });

  it('when the value is tampered, forged, signed for another button or for another purpose, then nothing runs', async () => {
    const { click, ran } = actions();
    const [body, mac] = disconnectValue.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, string>;
    const retargeted = Buffer.from(JSON.stringify({ ...claims, u: 'U2' })).toString('base64url');
    const values = [
      `${retargeted}.${mac}`,
      `${disconnectValue}x`,
      'not-a-token',
      '',
      signHomeButton('other-key'.repeat(4), { teamId: 'T1', userId: 'U2', action: 'disconnect' }),
      signToken(KEY, 'send-email-button', { t: 'T1', u: 'U2', a: 'disconnect' }),
      'a'.repeat(3000),
    ];
    for (const value of values) {
      expect(await click({ teamId: 'T1', userId: 'U2', action: 'disconnect', value })).toEqual({
        kind: 'refused',
      });
    }
    const onValue = signHomeButton(KEY, { teamId: 'T1', userId: 'U1', action: 'notifications_on' });
    expect(await click({ teamId: 'T1', userId: 'U1', action: 'disconnect', value: onValue })).toEqual({
      kind: 'refused',
    });
    expect(ran).toEqual([]);
  });

  it('when the button named a connection that is no longer the person’s, then the Home is shown afresh instead', async () => {
    const { click, ran, refreshed } = actions({ id: 'conn-2', connectedAt: CONNECTED_AT });
    expect(await click({ teamId: 'T1', userId: 'U1', action: 'disconnect', value: disconnectValue })).toEqual(
      {
        kind: 'stale',
      },
    );
    expect(ran).toEqual([]);
    expect(refreshed).toEqual(['T1:U1']);
  });

  it('when the person reconnected since (same connection row, a later connection time), then the old button is stale', async () => {
    const later = { id: 'conn-1', connectedAt: new Date(CONNECTED_AT.getTime() + 1) };
    for (const current of [later, null]) {
      const { click, ran } = actions(current);
      expect(
        await click({ teamId: 'T1', userId: 'U1', action: 'disconnect', value: disconnectValue }),
      ).toEqual({
        kind: 'stale',
      });
      expect(ran).toEqual([]);
    }
    // A value naming the connection without its time (as signed before times were signed) is stale too.
    const untimed = signHomeButton(KEY, {
      teamId: 'T1',
      userId: 'U1',
      action: 'notifications_off',
      connectionId: 'conn-1',
    });
    const { click, ran } = actions();
    expect(await click({ teamId: 'T1', userId: 'U1', action: 'notifications_off', value: untimed })).toEqual({
      kind: 'stale',
    });
    expect(ran).toEqual([]);
  });
});

describe('publishing a Home', () => {
  const refresh = () => {
    const published: HomeState[] = [];
    const opened = new Set<string>();
    const home = createHomeRefresh({
      sources: {
        connection: async () => ({
          id: 'conn-1',
          email: 'ada@example.com',
          status: 'revoked',
          connectedAt: new Date(0),
          canSend: true,
          canRead: false,
        }),
        mailbox: async () => {
          throw new Error('a revoked connection has no mailbox to show');
        },
        recentEmails: async (_t, _u, take) => {
          expect(take).toBe(20);
          return [];
        },
      },
      publisher: { publish: async (s) => void published.push(s) },
      visits: {
        recordOpened: async (t, u) => void opened.add(`${t}:${u}`),
        hasOpened: async (t, u) => opened.has(`${t}:${u}`),
      },
      clock: { now: () => new Date() },
    });
    return { home, published };
  };

  it('when the person never opened their Home, then a change publishes nothing; once opened, it does', async () => {
    const { home, published } = refresh();
    expect(await home.refresh('T1', 'U1')).toBe('never_opened');
    expect(published).toEqual([]);
    await home.opened('T1', 'U1');
    expect(await home.refresh('T1', 'U1')).toBe('published');
    expect(published).toHaveLength(2);
  });

  it('when the connection was revoked, then the Home shows none (Connect)', async () => {
    const { home, published } = refresh();
    await home.opened('T1', 'U1');
    expect(published[0]).toEqual({
      teamId: 'T1',
      userId: 'U1',
      connection: undefined,
      mailbox: undefined,
      rules: undefined,
      emails: [],
    });
  });
});
