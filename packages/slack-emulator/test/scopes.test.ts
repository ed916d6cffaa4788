import { startSlackEmulator, type SlackEmulator } from '../src';
import { METHOD_SCOPES } from '../src/scopes';
import { WEB_API_METHODS } from '../src/web-api-methods';

let emu: SlackEmulator;

afterEach(async () => {
  await emu?.close();
});

/** One Web API call over HTTP as @slack/web-api sends it (form body, bearer token). */
async function call(method: string, args: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const res = await fetch(`${emu.apiUrl}${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${emu.botToken}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(args).toString(),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

describe('Slack emulator scopes', () => {
  it('when the bot token lacks the scope of a method, then it answers missing_scope as Slack does', async () => {
    emu = await startSlackEmulator({ scopes: ['chat:write', 'users:read'] });

    expect(await call('team.info')).toEqual({
      ok: false,
      error: 'missing_scope',
      needed: 'team:read',
      provided: 'chat:write,users:read',
    });
    expect(emu.calls.map((c) => c.method)).toEqual(['team.info']);
  });

  it('when the scope is granted, then the method answers normally', async () => {
    emu = await startSlackEmulator({ scopes: ['team:read', 'chat:write'] });
    emu.addUser({ id: 'U100', name: 'ada' });

    expect(await call('team.info')).toMatchObject({ ok: true, team: { id: emu.teamId } });
    expect(await call('chat.postMessage', { channel: 'C1', text: 'hi' })).toMatchObject({ ok: true });
    expect(await call('users.info', { user: 'U100' })).toMatchObject({
      error: 'missing_scope',
      needed: 'users:read',
    });
  });

  it('when a conversation method is called, then the scope fits the conversation', async () => {
    emu = await startSlackEmulator({ scopes: ['im:write', 'channels:history'] });

    expect(await call('conversations.open', { users: 'U100' })).toMatchObject({ ok: true });
    expect(await call('conversations.open', { users: 'U100,U200' })).toMatchObject({
      error: 'missing_scope',
      needed: 'mpim:write',
    });
    expect(await call('conversations.history', { channel: 'D123' })).toMatchObject({
      error: 'missing_scope',
      needed: 'im:history',
    });
  });

  it('when no scopes are configured, then every method is allowed', async () => {
    emu = await startSlackEmulator();

    expect(await call('team.info')).toMatchObject({ ok: true });
  });

  it('when a token is wrong, then the token error wins over the scope check', async () => {
    emu = await startSlackEmulator({ scopes: [] });
    const res = await fetch(`${emu.apiUrl}team.info`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-nope' },
    });

    expect(await res.json()).toEqual({ ok: false, error: 'invalid_auth' });
  });

  it('when the emulator serves a method, then its scope is listed in the one scope table', () => {
    expect(Object.keys(WEB_API_METHODS).filter((m) => !(m in METHOD_SCOPES))).toEqual([]);
  });
});
