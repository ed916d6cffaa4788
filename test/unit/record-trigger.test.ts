import { toTrigger } from '../../src/modules/triggers/domain/record-trigger';

describe('toTrigger', () => {
  it('when a human writes in a thread, then author, place and thread are kept', () => {
    expect(
      toTrigger(
        { type: 'message', channel: 'C1', ts: '1.2', thread_ts: '1.1', user: 'U1', team: 'T1' },
        { teamId: 'T1' },
      ),
    ).toEqual({
      teamId: 'T1',
      authorTeamId: 'T1',
      authorIsMember: true,
      channelId: 'C1',
      ts: '1.2',
      threadTs: '1.1',
      userId: 'U1',
      botId: null,
      isBot: false,
      eventType: 'message',
    });
  });

  const T0 = { teamId: 'T0' };
  const extShared = { teamId: 'T0', isExtSharedChannel: true };

  it('when someone from another workspace writes (Slack Connect), then the row keeps both workspaces and is no member', () => {
    const event = { type: 'message', channel: 'C1', ts: '1.5', user: 'U9', team: 'T9' };
    expect(toTrigger({ ...event, user_team: 'T9', source_team: 'T9' }, extShared)).toMatchObject({
      teamId: 'T0',
      authorTeamId: 'T9',
      authorIsMember: false,
    });
    expect(toTrigger({ ...event, team: undefined, source_team: 'T8' }, extShared)).toMatchObject({
      teamId: 'T0',
      authorTeamId: 'T8',
      authorIsMember: false,
    });
  });

  it('when no team is named in a channel that is not externally shared, then the author is a member', () => {
    const event = { type: 'app_mention', channel: 'C1', ts: '1.5', user: 'U1' };
    expect(toTrigger(event, T0)).toMatchObject({ authorTeamId: null, authorIsMember: true });
  });

  it('when the fields are missing in an externally shared channel, then the author is unknown (never a member)', () => {
    const event = { type: 'app_mention', channel: 'C1', ts: '1.5', user: 'U9' };
    expect(toTrigger(event, extShared)).toMatchObject({ authorTeamId: null, authorIsMember: null });
  });

  it('when the author is of the same enterprise but another workspace, then the author is a member', () => {
    const event = { type: 'message', channel: 'C1', ts: '1.5', user: 'U7', user_team: 'T7', team: 'T7' };
    // An organisation-wide channel (shared only inside the Grid organisation).
    expect(toTrigger(event, { teamId: 'T0', enterpriseId: 'E1' })).toMatchObject({
      authorTeamId: 'T7',
      authorIsMember: true,
    });
    // Grid names the organisation as the author's team.
    expect(toTrigger({ ...event, user_team: 'E1' }, { ...extShared, enterpriseId: 'E1' })).toMatchObject({
      authorIsMember: true,
    });
    // In an externally shared channel another workspace stays foreign unless Slack names the organisation.
    expect(toTrigger(event, { ...extShared, enterpriseId: 'E1' })).toMatchObject({
      authorIsMember: false,
    });
    // Without Grid, another workspace is foreign wherever it writes.
    expect(toTrigger(event, T0)).toMatchObject({ authorIsMember: false });
  });

  it('when a bot posts, then the row is marked as a bot', () => {
    expect(
      toTrigger({ type: 'message', subtype: 'bot_message', channel: 'C1', ts: '1.3', bot_id: 'B1' }, T0),
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
        toTrigger({ type: 'message', subtype, channel: 'C1', ts: '1.4', user: 'U1' }, T0),
      ).toBeUndefined();
    },
  );
});
