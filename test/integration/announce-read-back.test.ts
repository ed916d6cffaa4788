import { webApi } from '@slack/bolt';
import { createSlackMessenger } from '../../src/shared/slack-messenger';
import { announcedIds, announcementMetadata } from '../../src/modules/notify/slack-metadata';
import { startSlackEmulator, type SlackEmulator } from '@mailbridge/slack-emulator';

describe('reading announcements back from the DM', () => {
  let emu: SlackEmulator;
  let client: webApi.WebClient;

  beforeEach(async () => {
    emu = await startSlackEmulator();
    emu.addUser({ id: 'U100', name: 'ada' });
    client = new webApi.WebClient(emu.botToken, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 } });
  });

  afterEach(async () => {
    await emu.close();
  });

  it('when the DM holds more announcements than one page, then every page is read', async () => {
    const messenger = createSlackMessenger(client, { historyPage: 2 });
    const since = new Date(Date.now() - 60_000);
    for (let i = 0; i < 7; i++) {
      await messenger.dm('U100', { text: `m${i}`, metadata: announcementMetadata('mb', [`g${i}`]) });
    }
    await messenger.dm('U100', { text: 'no metadata' });
    const found = await messenger.dmMetadataSince('U100', since);
    expect([...announcedIds(found, 'mb')].sort()).toEqual(['g0', 'g1', 'g2', 'g3', 'g4', 'g5', 'g6']);
    const pages = emu.calls.filter((c) => c.method === 'conversations.history');
    expect(pages.length).toBe(4);
  });

  it('when Slack says there is more but gives no cursor, then the read fails (retried) instead of passing for complete', async () => {
    const history = jest.fn(async () => ({ ok: true, messages: [], has_more: true, response_metadata: {} }));
    const fake = {
      conversations: { open: async () => ({ ok: true, channel: { id: 'D1' } }), history },
    } as unknown as webApi.WebClient;
    await expect(createSlackMessenger(fake).dmMetadataSince('U100', new Date(0))).rejects.toMatchObject({
      code: 'slack_webapi_platform_error',
      data: { error: 'internal_error' },
    });
    expect(history).toHaveBeenCalledTimes(1);
  });
});
