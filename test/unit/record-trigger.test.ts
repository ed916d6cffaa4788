import { toTriggerRow } from '../../src/domain/triggers/record-trigger';

describe('toTriggerRow', () => {
  it('when a human writes in a thread, then author, place and thread are kept', () => {
    expect(
      toTriggerRow(
        { type: 'message', channel: 'C1', ts: '1.2', thread_ts: '1.1', user: 'U1', team: 'T1' },
        'T1',
      ),
    ).toEqual({
      teamId: 'T1',
      authorTeamId: 'T1',
      channelId: 'C1',
      ts: '1.2',
      threadTs: '1.1',
      userId: 'U1',
      botId: null,
      isBot: false,
      eventType: 'message',
    });
  });

  it('when someone from another workspace writes (Slack Connect), then the row keeps both workspaces', () => {
    const event = { type: 'message', channel: 'C1', ts: '1.5', user: 'U9', team: 'T9' };
    expect(toTriggerRow({ ...event, user_team: 'T9', source_team: 'T9' }, 'T0')).toMatchObject({
      teamId: 'T0',
      authorTeamId: 'T9',
    });
    expect(toTriggerRow({ ...event, team: undefined, source_team: 'T8' }, 'T0')).toMatchObject({
      teamId: 'T0',
      authorTeamId: 'T8',
    });
    expect(toTriggerRow({ ...event, team: undefined }, 'T0')).toMatchObject({ authorTeamId: 'T0' });
  });

  it('when a bot posts, then the row is marked as a bot', () => {
    expect(
      toTriggerRow({ type: 'message', subtype: 'bot_message', channel: 'C1', ts: '1.3', bot_id: 'B1' }, 'T0'),
    ).toMatchObject({
      isBot: true,
      botId: 'B1',
      teamId: 'T0',
    });
  });

  it.each(['message_changed', 'message_deleted', 'channel_join'])(
    'when the subtype is %s, then nothing is recorded',
    (subtype) => {
      expect(
        toTriggerRow({ type: 'message', subtype, channel: 'C1', ts: '1.4', user: 'U1' }, 'T0'),
      ).toBeUndefined();
    },
  );
});
