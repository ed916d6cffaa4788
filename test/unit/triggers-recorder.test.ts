import { createRecordTrigger } from '../../src/modules/triggers/domain/record-trigger';
import type { NewTrigger } from '../../src/modules/triggers/domain/types';
import { registerTriggerRecorder } from '../../src/modules/triggers/slack';

type ReceiverEvent = Parameters<import('@slack/bolt').App['processEvent']>[0];

function fakeStore(fail = false) {
  const recorded: NewTrigger[] = [];
  return {
    recorded,
    async record(trigger: NewTrigger) {
      if (fail) throw new Error('database down');
      recorded.push(trigger);
    },
  };
}

const envelope = (event: Record<string, unknown>) =>
  ({ body: { type: 'event_callback', team_id: 'T1', event }, ack: async () => undefined }) as ReceiverEvent;

function recorder(store: ReturnType<typeof fakeStore>) {
  const dispatched: ReceiverEvent[] = [];
  const counted: string[] = [];
  const errors: unknown[] = [];
  const app = { processEvent: async (e: ReceiverEvent) => void dispatched.push(e) };
  registerTriggerRecorder(app, {
    record: createRecordTrigger({ store }),
    log: { error: (fields: unknown) => errors.push(fields) } as never,
    metrics: { triggers: { inc: ({ kind }: { kind: string }) => counted.push(kind) } as never },
  });
  return { process: (e: ReceiverEvent) => app.processEvent(e), dispatched, counted, errors };
}

describe('recording triggers', () => {
  it('when a person writes a message, then it is stored, counted, and then handed to the listeners', async () => {
    const store = fakeStore();
    const r = recorder(store);
    await r.process(envelope({ type: 'message', channel: 'C1', ts: '1.2', user: 'U1', team: 'T1' }));
    expect(store.recorded).toMatchObject([{ teamId: 'T1', channelId: 'C1', ts: '1.2', userId: 'U1' }]);
    expect(r.counted).toEqual(['human']);
    expect(r.dispatched).toHaveLength(1);
  });

  it('when a message is edited, then nothing is stored and the event still reaches the listeners', async () => {
    const store = fakeStore();
    const r = recorder(store);
    await r.process(
      envelope({ type: 'message', subtype: 'message_changed', channel: 'C1', ts: '1.3', user: 'U1' }),
    );
    expect(store.recorded).toEqual([]);
    expect(r.counted).toEqual([]);
    expect(r.dispatched).toHaveLength(1);
  });

  it('when the store fails, then the event is not handed on, so Slack redelivers it', async () => {
    const r = recorder(fakeStore(true));
    await r.process(envelope({ type: 'app_mention', channel: 'C1', ts: '1.4', user: 'U1' }));
    expect(r.dispatched).toEqual([]);
    expect(r.errors).toMatchObject([{ channel: 'C1', ts: '1.4' }]);
  });

  it('when the event is no message (a reaction), then the recorder stays out of the way', async () => {
    const store = fakeStore(true);
    const r = recorder(store);
    await r.process(envelope({ type: 'reaction_added', user: 'U1' }));
    expect(r.dispatched).toHaveLength(1);
  });

  it('when no workspace is named anywhere, then the use case stores nothing', async () => {
    const store = fakeStore();
    const record = createRecordTrigger({ store });
    expect(await record({ type: 'message', channel: 'C1', ts: '1.5', user: 'U1' }, { teamId: '' })).toBe(
      undefined,
    );
    expect(store.recorded).toEqual([]);
  });
});
