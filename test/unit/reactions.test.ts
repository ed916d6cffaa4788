import pino from 'pino';
import { createConnectionEvents } from '../../src/modules/connect/connection-events';
import type { ConnectModule } from '../../src/modules/connect';
import type { Connection, ConnectionChange } from '../../src/modules/connect/domain/types';
import type { NotifyModule } from '../../src/modules/notify';
import type { SendModule } from '../../src/modules/send';
import { connectionReactions } from '../../src/reactions';

const connection = { id: 'conn-1', teamId: 'T1', userId: 'U1', email: 'ada@example.com' } as Connection;

/**
 * The three modules, each recording what a reaction asked of it; `failing` names calls that reject.
 * With `home`, an App Home records its refresh requests in the same list.
 */
const modules = (failing: string[] = [], home = false) => {
  const calls: string[] = [];
  const record = (name: string) => async (c: Connection, reason?: string) => {
    calls.push(reason ? `${name}(${c.id}, ${reason})` : `${name}(${c.id})`);
    if (failing.includes(name)) throw new Error(`${name} failed`);
  };
  const m = {
    connect: { tellInvalid: record('connect.tellInvalid') } as unknown as ConnectModule,
    send: { cancelOpen: record('send.cancelOpen') } as unknown as SendModule,
    notify: {
      start: record('notify.start'),
      connectionEnded: record('notify.connectionEnded'),
      connectionInvalid: record('notify.connectionInvalid'),
    } as unknown as NotifyModule,
    ...(home
      ? { refreshHome: (teamId: string, userId: string) => void calls.push(`home(${teamId}, ${userId})`) }
      : {}),
  };
  const events = createConnectionEvents(pino({ level: 'silent' }));
  events.react(connectionReactions(m));
  return { calls, emit: (change: ConnectionChange) => events.emit(change, connection) };
};

describe('what a change of connection sets off in the other modules', () => {
  it('when a connection is made or remade, then only the open confirmations are cancelled as changed', async () => {
    const { calls, emit } = modules();
    await emit('connected');
    expect(calls).toEqual(['send.cancelOpen(conn-1, connection_changed)']);
  });

  it('when notifications are granted, then only the watch starts (confirmations already shown stay valid)', async () => {
    const { calls, emit } = modules();
    await emit('notificationsGranted');
    expect(calls).toEqual(['notify.start(conn-1)']);
  });

  it('when a connection ends, then its confirmations are cancelled first and then its watch stops', async () => {
    const { calls, emit } = modules();
    await emit('ended');
    expect(calls).toEqual(['send.cancelOpen(conn-1, disconnected)', 'notify.connectionEnded(conn-1)']);
  });

  it('when a connection turns invalid, then the person is told first and then its watch stops', async () => {
    const { calls, emit } = modules();
    await emit('invalid');
    expect(calls).toEqual(['connect.tellInvalid(conn-1)', 'notify.connectionInvalid(conn-1)']);
  });

  it('when the first reaction of a change fails, then the next one still runs', async () => {
    const ended = modules(['send.cancelOpen']);
    await ended.emit('ended');
    expect(ended.calls).toEqual(['send.cancelOpen(conn-1, disconnected)', 'notify.connectionEnded(conn-1)']);
    const invalid = modules(['connect.tellInvalid']);
    await invalid.emit('invalid');
    expect(invalid.calls).toEqual(['connect.tellInvalid(conn-1)', 'notify.connectionInvalid(conn-1)']);
  });

  it('when an App Home exists, then every change refreshes it last, after a failing reaction too', async () => {
    for (const [change, before] of [
      ['connected', ['send.cancelOpen(conn-1, connection_changed)']],
      ['notificationsGranted', ['notify.start(conn-1)']],
      ['ended', ['send.cancelOpen(conn-1, disconnected)', 'notify.connectionEnded(conn-1)']],
      ['invalid', ['connect.tellInvalid(conn-1)', 'notify.connectionInvalid(conn-1)']],
    ] as const) {
      const { calls, emit } = modules(['send.cancelOpen', 'connect.tellInvalid'], true);
      await emit(change);
      expect(calls).toEqual([...before, 'home(T1, U1)']);
    }
  });
});
