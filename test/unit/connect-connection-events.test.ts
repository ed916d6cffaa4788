import pino from 'pino';
import {
  createConnectionEvents,
  type ConnectionReactions,
} from '../../src/modules/connect/connection-events';
import type { Connection } from '../../src/modules/connect/domain/types';

const connection = { id: 'conn-1', email: 'ada@example.com' } as Connection;

/** A logger that keeps what was logged at error level. */
const recordingLog = () => {
  const errors: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'error' }, { write: (line: string) => void errors.push(JSON.parse(line)) });
  return { log, errors };
};

const none: ConnectionReactions = { connected: [], notificationsGranted: [], ended: [], invalid: [] };

describe('connection events', () => {
  it('when a change is emitted, then its reactions run one after the other, in the order given, and no other change’s', async () => {
    const events = createConnectionEvents(recordingLog().log);
    const ran: string[] = [];
    const slow = (name: string, ms: number) => async (c: Connection) => {
      ran.push(`${name} starts for ${c.email}`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      ran.push(`${name} ends`);
    };
    events.react({ ...none, ended: [slow('first', 20), slow('second', 0)], invalid: [slow('other', 0)] });
    await events.emit('ended', connection);
    expect(ran).toEqual([
      'first starts for ada@example.com',
      'first ends',
      'second starts for ada@example.com',
      'second ends',
    ]);
  });

  it('when a reaction fails, then it is logged with the change and the connection and the next one still runs', async () => {
    const { log, errors } = recordingLog();
    const events = createConnectionEvents(log);
    const ran: string[] = [];
    events.react({
      ...none,
      invalid: [async () => Promise.reject(new Error('Slack is down')), async () => void ran.push('second')],
    });
    await expect(events.emit('invalid', connection)).resolves.toBeUndefined();
    expect(ran).toEqual(['second']);
    expect(errors).toEqual([
      expect.objectContaining({
        msg: 'connection reaction failed',
        change: 'invalid',
        connectionId: 'conn-1',
        err: expect.objectContaining({ message: 'Slack is down' }),
      }),
    ]);
  });

  it('when reactions are installed a second time, then they are refused and the first ones stay', async () => {
    const events = createConnectionEvents(recordingLog().log);
    const ran: string[] = [];
    events.react({ ...none, connected: [async () => void ran.push('first')] });
    expect(() => events.react({ ...none, connected: [async () => void ran.push('second')] })).toThrow(
      'connection reactions are installed once',
    );
    await events.emit('connected', connection);
    expect(ran).toEqual(['first']);
  });

  it('when a change is emitted before the reactions are installed, then it is refused as a wiring defect', async () => {
    const events = createConnectionEvents(recordingLog().log);
    await expect(events.emit('connected', connection)).rejects.toThrow(
      'connection change connected emitted before its reactions were installed',
    );
  });
});
