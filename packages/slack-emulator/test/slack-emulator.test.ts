import { App, LogLevel, webApi } from '@slack/bolt';
import { WebSocket } from 'ws';
import { startSlackEmulator, type SlackEmulator } from '../src';

type ClientOptions = NonNullable<ConstructorParameters<typeof App>[0]>['clientOptions'];

let emu: SlackEmulator;
let apps: App[];

beforeEach(async () => {
  emu = await startSlackEmulator();
  emu.addUser({ id: 'U100', name: 'ada', realName: 'Ada Lovelace', email: 'ada@example.test' });
  apps = [];
});

afterEach(async () => {
  // Bolt's stop() resolves before the socket's close handshake; wait for it so nothing leaks.
  await Promise.all(apps.map((app) => app.stop()));
  await emu.waitForConnections(0);
  await emu.close();
});

/** A real Bolt app in Socket Mode pointed at the emulator; listeners are registered by `setup`. */
async function startBolt(
  setup: (app: App) => void = () => undefined,
  clientOptions: ClientOptions = {},
): Promise<App> {
  const app = new App({
    token: emu.botToken,
    appToken: emu.appToken,
    socketMode: true,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 }, ...clientOptions },
  });
  setup(app);
  apps.push(app);
  await app.start();
  return app;
}

/** A bare Socket Mode client: connects with a fresh ticket and collects every frame after hello. */
async function connectRaw(): Promise<{ ws: WebSocket; frames: Record<string, unknown>[] }> {
  const { url } = await new webApi.WebClient(emu.appToken, { slackApiUrl: emu.apiUrl }).apps.connections.open(
    {},
  );
  const ws = new WebSocket(String(url));
  const frames: Record<string, unknown>[] = [];
  await new Promise<void>((resolve) =>
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Record<string, unknown>;
      if (frame.type === 'hello') resolve();
      else frames.push(frame);
    }),
  );
  return { ws, frames };
}

/** A promise plus the function that settles it, for capturing what a listener saw. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('Slack emulator with a real Bolt app', () => {
  test('when a Bolt app starts in Socket Mode, then it verifies its bot token and connects with a ticket', async () => {
    await startBolt();

    expect(emu.connectionCount()).toBe(1);
    expect(emu.connections[0]?.ticket).toMatch(/^[0-9a-f]{32}$/);
    expect((await emu.waitForCall('auth.test')).token).toBe(emu.botToken);
    expect((await emu.waitForCall('apps.connections.open')).token).toBe(emu.appToken);
  });

  test('when a slash command is acked and answered with respond(), then the ack and the response_url message are observed', async () => {
    await startBolt((app) =>
      app.command('/ai-email-status', async ({ ack, respond, command }) => {
        await ack();
        await respond({ response_type: 'ephemeral', text: `not connected, ${command.user_name}` });
      }),
    );

    const ack = await emu.slashCommand({ command: '/ai-email-status', userId: 'U100' });
    const reply = await emu.waitForMessage((m) => m.kind === 'response_url');

    expect(ack.envelope_id).toBe(emu.envelopes[0]?.envelope_id);
    expect(reply).toMatchObject({
      user: 'U100',
      channel: expect.stringMatching(/^D/),
      responseType: 'ephemeral',
      text: 'not connected, ada',
    });
  });

  test('when a slash command is acked with a body, then that body is recorded as what the caller saw', async () => {
    await startBolt((app) =>
      app.command('/ai-email-connect', async ({ ack }) =>
        ack({ response_type: 'ephemeral', text: 'code 123' }),
      ),
    );

    const ack = await emu.slashCommand({ command: '/ai-email-connect', userId: 'U100', channelId: 'C200' });

    expect(ack.payload).toEqual({ response_type: 'ephemeral', text: 'code 123' });
    expect(emu.messages).toEqual([
      expect.objectContaining({ kind: 'ack', channel: 'C200', user: 'U100', text: 'code 123' }),
    ]);
  });

  test('when a message event is sent and then redelivered, then app.event sees the same event id with the retry number', async () => {
    const seen: { eventId: string; retryNum?: number; channel: string; ts: string }[] = [];
    const twice = deferred<void>();
    await startBolt((app) =>
      app.event('message', async ({ event, body, context }) => {
        const message = event as { channel: string; ts: string };
        seen.push({
          eventId: body.event_id,
          retryNum: context.retryNum,
          channel: message.channel,
          ts: message.ts,
        });
        if (seen.length === 2) twice.resolve();
      }),
    );

    await emu.event(
      { type: 'message', channel: 'C200', user: 'U100', text: 'hello', channel_type: 'channel' },
      { eventId: 'Ev1' },
    );
    await emu.redeliverLast('events_api');
    await twice.promise;

    expect(seen).toEqual([
      { eventId: 'Ev1', retryNum: 0, channel: 'C200', ts: expect.stringMatching(/^\d+\.\d{6}$/) },
      { eventId: 'Ev1', retryNum: 1, channel: 'C200', ts: seen[0]?.ts },
    ]);
    expect(emu.envelopes[1]).toMatchObject({ retry_attempt: 1, retry_reason: 'timeout' });
  });

  test('when a button on a bot message is clicked, then app.action gets the container and can update the message', async () => {
    const app = await startBolt((a) =>
      a.action('confirm_send', async ({ ack, body, client, action }) => {
        await ack();
        const { container } = body as unknown as { container: { channel_id: string; message_ts: string } };
        const value = (action as { value: string }).value;
        await client.chat.update({
          channel: container.channel_id,
          ts: container.message_ts,
          text: `sent ${value}`,
        });
      }),
    );
    const posted = await app.client.chat.postMessage({ channel: 'U100', text: 'Send this email?' });

    await emu.blockAction({
      userId: 'U100',
      actionId: 'confirm_send',
      value: 'draft-1',
      messageTs: posted.ts,
    });
    const updated = await emu.waitForMessage((m) => m.kind === 'update');

    expect(posted.channel).toMatch(/^D/);
    expect(updated).toMatchObject({ channel: posted.channel, ts: posted.ts, text: 'sent draft-1' });
  });

  test('when the app posts an ephemeral message with blocks, then the call and message carry decoded blocks', async () => {
    const app = await startBolt();
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Connected*' } }];

    const result = await app.client.chat.postEphemeral({
      channel: 'C200',
      user: 'U100',
      text: 'Connected',
      blocks,
    });

    const call = await emu.waitForCall('chat.postEphemeral');
    expect(call.args).toMatchObject({ channel: 'C200', user: 'U100', text: 'Connected', blocks });
    expect(emu.messages).toEqual([
      expect.objectContaining({ kind: 'postEphemeral', ts: result.message_ts, blocks }),
    ]);
  });

  test('when users.info is asked about a known and an unknown user, then it answers like Slack', async () => {
    const app = await startBolt();

    const { user } = await app.client.users.info({ user: 'U100' });

    expect(user).toMatchObject({
      id: 'U100',
      name: 'ada',
      real_name: 'Ada Lovelace',
      is_bot: false,
      profile: { email: 'ada@example.test' },
    });
    await expect(app.client.users.info({ user: 'U404' })).rejects.toMatchObject({
      data: { error: 'user_not_found' },
    });
  });
});

describe('Slack emulator faults and credentials', () => {
  test('when a method is failed with an error, then exactly one call gets that platform error', async () => {
    const app = await startBolt();
    emu.fail('chat.postMessage', { error: 'ratelimited_internal' });

    await expect(app.client.chat.postMessage({ channel: 'C200', text: 'a' })).rejects.toMatchObject({
      code: webApi.ErrorCode.PlatformError,
      data: { error: 'ratelimited_internal' },
    });
    await expect(app.client.chat.postMessage({ channel: 'C200', text: 'b' })).resolves.toMatchObject({
      ok: true,
    });
  });

  test('when a method answers HTTP 500 and retries are off, then the client gets an HTTP error', async () => {
    const app = await startBolt();
    emu.fail('*', { status: 500 });

    await expect(app.client.chat.postMessage({ channel: 'C200', text: 'a' })).rejects.toMatchObject({
      code: webApi.ErrorCode.HTTPError,
      statusCode: 500,
    });
    expect(emu.calls.at(-1)).toMatchObject({ method: 'chat.postMessage', faulted: true });
  });

  test('when a method is rate limited with Retry-After, then the WebClient waits and retries successfully', async () => {
    const app = await startBolt(undefined, { retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 } });
    emu.fail('chat.postMessage', { status: 429, retryAfter: 1 });

    const result = await app.client.chat.postMessage({ channel: 'C200', text: 'a' });

    expect(result.ok).toBe(true);
    expect(emu.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.faulted ?? false)).toEqual([
      true,
      false,
    ]);
  });

  test('when a request is dropped, then the client gets a request error', async () => {
    const app = await startBolt();
    emu.fail('team.info', { drop: true });

    await expect(app.client.team.info()).rejects.toMatchObject({ code: webApi.ErrorCode.RequestError });
    await expect(app.client.team.info()).resolves.toMatchObject({ team: { id: emu.teamId } });
  });

  test('when the wrong or an unknown token or method is used, then Slack-style errors come back', async () => {
    const asApp = new webApi.WebClient(emu.appToken, {
      slackApiUrl: emu.apiUrl,
      retryConfig: { retries: 0 },
    });
    const asStranger = new webApi.WebClient('xoxb-stranger', {
      slackApiUrl: emu.apiUrl,
      retryConfig: { retries: 0 },
    });
    const asBot = new webApi.WebClient(emu.botToken, {
      slackApiUrl: emu.apiUrl,
      retryConfig: { retries: 0 },
    });

    await expect(asApp.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      data: { error: 'not_allowed_token_type' },
    });
    await expect(asStranger.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    await expect(asBot.apps.connections.open({})).rejects.toMatchObject({
      data: { error: 'not_allowed_token_type' },
    });
    await expect(asBot.apiCall('emails.teleport')).rejects.toMatchObject({
      data: { error: 'unknown_method' },
    });
    expect(emu.calls.map((c) => c.method)).toEqual([
      'chat.postMessage',
      'auth.test',
      'apps.connections.open',
      'emails.teleport',
    ]);
  });

  test('when a response_url is used more than five times, then the sixth post is refused', async () => {
    await startBolt((app) => app.command('/ai-email-status', async ({ ack }) => ack()));
    await emu.slashCommand({ command: '/ai-email-status', userId: 'U100' });
    const responseUrl = String(emu.envelopes[0]?.payload.response_url);

    const post = () =>
      fetch(responseUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"text":"hi"}',
      });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await post()).status);

    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
    expect(emu.messages.filter((m) => m.kind === 'response_url')).toHaveLength(5);
  });
});

describe('Slack emulator Block Kit limits', () => {
  const section = (length: number) => [
    { type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(length) } },
  ];

  test('when a section text is longer than 3000 characters, then every way of posting refuses it with invalid_blocks', async () => {
    const app = await startBolt((bolt) => bolt.command('/ai-email-status', async ({ ack }) => ack()));
    const posted = await app.client.chat.postMessage({ channel: 'C200', text: 'a', blocks: section(3000) });
    const refused = { data: { error: 'invalid_blocks' } };

    await expect(
      app.client.chat.postMessage({ channel: 'C200', text: 'a', blocks: section(3001) }),
    ).rejects.toMatchObject(refused);
    await expect(
      app.client.chat.postEphemeral({ channel: 'C200', user: 'U100', text: 'a', blocks: section(3001) }),
    ).rejects.toMatchObject(refused);
    await expect(
      app.client.chat.update({ channel: 'C200', ts: posted.ts!, text: 'a', blocks: section(3001) }),
    ).rejects.toMatchObject(refused);
    await emu.slashCommand({ command: '/ai-email-status', userId: 'U100' });
    const responseUrl = String(emu.envelopes[0]?.payload.response_url);
    const post = (blocks: unknown) =>
      fetch(responseUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ text: 'a', blocks }),
      });
    const tooLong = await post(section(3001));
    expect({ status: tooLong.status, body: await tooLong.json() }).toEqual({
      status: 400,
      body: { ok: false, error: 'invalid_blocks' },
    });
    expect((await post(section(3000))).status).toBe(200);
    expect(emu.messages.map((m) => m.kind)).toEqual(['postMessage', 'response_url']);
  });
});

describe('Slack emulator Socket Mode connections', () => {
  test('when a refresh is requested, then Bolt reconnects through a new apps.connections.open ticket', async () => {
    const received = deferred<string>();
    await startBolt((app) => app.event('app_mention', async ({ event }) => received.resolve(event.text)));
    const first = emu.connections[0];

    const next = emu.waitForNewConnection(20_000);
    emu.requestRefresh();
    const second = await next;
    await emu.waitForConnections(1);
    await emu.event({ type: 'app_mention', channel: 'C200', user: 'U100', text: '<@U0000000001> hi' });

    expect(second.ticket).not.toBe(first?.ticket);
    expect(first?.closedAt).toBeInstanceOf(Date);
    expect(emu.calls.filter((c) => c.method === 'apps.connections.open')).toHaveLength(2);
    expect(await received.promise).toBe('<@U0000000001> hi');
  });

  test('when a raw client reuses a ticket, then the second upgrade is refused, and pings are answered', async () => {
    const opened = await new webApi.WebClient(emu.appToken, {
      slackApiUrl: emu.apiUrl,
    }).apps.connections.open({});
    const url = String(opened.url);

    const ws = new WebSocket(url);
    const hello = await new Promise<unknown>((resolve) =>
      ws.once('message', (data) => resolve(JSON.parse(String(data)))),
    );
    const pong = new Promise<string>((resolve) => ws.once('pong', (data) => resolve(String(data))));
    ws.ping('are you there');
    const reused = new WebSocket(url);
    const refusal = await new Promise<string>((resolve) =>
      reused.once('error', (err) => resolve(err.message)),
    );

    expect(hello).toEqual({
      type: 'hello',
      num_connections: 1,
      debug_info: { host: 'emulator', approximate_connection_time: 18060 },
      connection_info: { app_id: emu.appId },
    });
    expect(await pong).toBe('are you there');
    expect(refusal).toBe('Unexpected server response: 401');
    ws.close();
  });

  test('when two clients are connected, then envelopes alternate between them', async () => {
    const a = await connectRaw();
    const b = await connectRaw();
    const ackEach = ({ ws }: { ws: WebSocket }) =>
      ws.on('message', (data) =>
        ws.send(
          JSON.stringify({ envelope_id: (JSON.parse(String(data)) as { envelope_id: string }).envelope_id }),
        ),
      );
    [a, b].forEach(ackEach);

    await emu.event({ type: 'message', channel: 'C200', user: 'U100', text: 'one' });
    await emu.event({ type: 'message', channel: 'C200', user: 'U100', text: 'two' });

    expect(a.frames).toHaveLength(1);
    expect(b.frames).toHaveLength(1);
    expect(a.frames[0]).toMatchObject({
      type: 'events_api',
      accepts_response_payload: false,
      retry_attempt: 0,
    });
    a.ws.close();
    b.ws.close();
  });

  test('when a client never acks, then the envelope promise rejects', async () => {
    await emu.close();
    emu = await startSlackEmulator({ ackTimeoutMs: 50 });
    const { ws } = await connectRaw();

    await expect(emu.slashCommand({ command: '/ai-email-status', userId: 'U100' })).rejects.toThrow(
      /not acked within 50 ms/,
    );
    ws.close();
  });

  test('when server pings are enabled, then connected clients are pinged', async () => {
    await emu.close();
    emu = await startSlackEmulator({ pingIntervalMs: 10 });
    const { ws } = await connectRaw();

    await new Promise<void>((resolve) => ws.once('ping', () => resolve()));
    ws.close();
  });

  test('when connections are dropped, then clients see an abnormal close', async () => {
    const { ws } = await connectRaw();
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

    emu.dropConnections();

    expect(await closed).toBe(1006);
    await emu.waitForConnections(0);
  });

  test('when no client is connected, then sending an envelope fails at once', async () => {
    await expect(emu.event({ type: 'message', channel: 'C200', user: 'U100', text: 'x' })).rejects.toThrow(
      /no Socket Mode connection/,
    );
  });

  test('when the emulator closes, then pending waits reject instead of hanging', async () => {
    const waiting = emu.waitForMessage(() => false, 60_000);

    await emu.close();

    await expect(waiting).rejects.toThrow(/closed/);
  });
});
