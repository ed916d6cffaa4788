import { webApi } from '@slack/bolt';
import { startSlackEmulator, type SlackEmulator } from '../src';

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

const dm = async () => (await client.conversations.open({ users: 'U100' })).channel!.id!;

describe('message metadata and conversations.history', () => {
  it('when a message is posted with metadata, then the answer, the recorder and history with include_all_metadata show it', async () => {
    const channel = await dm();
    const metadata = { event_type: 'thing_happened', event_payload: { ids: 'a,b' } };
    const posted = await client.chat.postMessage({ channel, text: 'hi', metadata });
    expect(posted.message?.metadata).toEqual(metadata);
    expect(emu.messages.at(-1)).toMatchObject({ kind: 'postMessage', channel, metadata });

    const withMeta = await client.conversations.history({ channel, include_all_metadata: true });
    expect(withMeta.messages).toEqual([expect.objectContaining({ ts: posted.ts, text: 'hi', metadata })]);
    const without = await client.conversations.history({ channel });
    expect(without.messages?.[0]?.metadata).toBeUndefined();
  });

  it('when metadata lacks event_type or event_payload, then Slack refuses the message', async () => {
    const channel = await dm();
    await expect(
      client.apiCall('chat.postMessage', { channel, text: 'x', metadata: { event_payload: {} } }),
    ).rejects.toMatchObject({ data: { error: 'invalid_metadata_schema' } });
    await expect(
      client.apiCall('chat.postMessage', { channel, text: 'x', metadata: 'not json' }),
    ).rejects.toMatchObject({ data: { error: 'invalid_metadata_format' } });
    expect(emu.messages.filter((m) => m.kind === 'postMessage')).toHaveLength(0);
  });

  it('when history is paged, then it runs newest first through next_cursor and honours oldest', async () => {
    const channel = await dm();
    const ts: string[] = [];
    for (let i = 0; i < 5; i++) ts.push((await client.chat.postMessage({ channel, text: `m${i}` })).ts!);

    const first = await client.conversations.history({ channel, limit: 2 });
    expect(first.messages?.map((m) => m.text)).toEqual(['m4', 'm3']);
    expect(first.has_more).toBe(true);
    const second = await client.conversations.history({
      channel,
      limit: 2,
      cursor: first.response_metadata?.next_cursor,
    });
    expect(second.messages?.map((m) => m.text)).toEqual(['m2', 'm1']);

    const since = await client.conversations.history({ channel, oldest: ts[2] });
    expect(since.messages?.map((m) => m.text)).toEqual(['m4', 'm3']);
    expect(since.has_more).toBe(false);
    const inclusive = await client.conversations.history({ channel, oldest: ts[2], inclusive: true });
    expect(inclusive.messages?.map((m) => m.text)).toEqual(['m4', 'm3', 'm2']);
    // Timestamps are wall-clock seconds, so an `oldest` taken from a clock bounds the history.
    const future = await client.conversations.history({ channel, oldest: String(Date.now() / 1000 + 60) });
    expect(future.messages).toEqual([]);
  });

  it('when the channel is unknown or the cursor is not one Slack issued, then it says so', async () => {
    await expect(client.conversations.history({ channel: 'DNOPE' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
    await expect(
      client.conversations.history({ channel: await dm(), cursor: 'garbage' }),
    ).rejects.toMatchObject({ data: { error: 'invalid_cursor' } });
  });
});

describe('faults after the work is done', () => {
  it('when a fault applies after handling, then the message is stored although the answer is an error, dropped or late', async () => {
    const channel = await dm();
    const quick = new webApi.WebClient(emu.botToken, {
      slackApiUrl: emu.apiUrl,
      retryConfig: { retries: 0 },
      timeout: 300,
    });
    emu.fail('chat.postMessage', { afterHandling: true, status: 500 });
    await expect(quick.chat.postMessage({ channel, text: 'a' })).rejects.toMatchObject({ statusCode: 500 });
    emu.fail('chat.postMessage', { afterHandling: true, drop: true });
    await expect(quick.chat.postMessage({ channel, text: 'b' })).rejects.toThrow();
    emu.fail('chat.postMessage', { afterHandling: true, delayMs: 1_000 });
    await expect(quick.chat.postMessage({ channel, text: 'c' })).rejects.toThrow();
    // A fault before handling (the default) stores nothing.
    emu.fail('chat.postMessage', { status: 500 });
    await expect(quick.chat.postMessage({ channel, text: 'd' })).rejects.toMatchObject({ statusCode: 500 });

    const history = await client.conversations.history({ channel });
    expect(history.messages?.map((m) => m.text)).toEqual(['c', 'b', 'a']);
  });
});
