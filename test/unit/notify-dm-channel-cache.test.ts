import { createDmChannels } from '../../src/modules/notify/dm-channels';
import { wasNotSent } from '../../src/modules/notify/domain/failures';
import { startSlackEmulator, type SlackEmulator } from '@mailbridge/slack-emulator';
import { emulatorAnnouncer } from '../helpers/notify-announcer';

const NOW = new Date('2026-11-20T12:00:00Z');

let emu: SlackEmulator;

beforeAll(async () => {
  emu = await startSlackEmulator();
  for (const [id, name] of [
    ['U1', 'ada'],
    ['U2', 'bob'],
  ])
    emu.addUser({ id: id!, name: name! });
});
beforeEach(() => emu.reset());
afterAll(async () => {
  await emu.close();
});

const processAnnouncer = () => emulatorAnnouncer(emu, NOW);

const calls = (method: string) => emu.calls.filter((c) => c.method === method).length;
const posted = () => emu.messages.filter((m) => m.kind === 'postMessage').length;

describe('the announcer remembers DM channels', () => {
  it('when a person is announced to again, then their DM is not opened again', async () => {
    const announce = processAnnouncer();
    for (const user of ['U1', 'U1', 'U2', 'U1']) expect(await announce(user)).toBeUndefined();
    expect(calls('conversations.open')).toBe(2);
    expect(posted()).toBe(4);
  });

  it.each(['channel_not_found', 'is_archived'])(
    'when Slack answers %s for a remembered channel, then the DM is opened again and posted once',
    async (error) => {
      const announce = processAnnouncer();
      await announce('U1');
      emu.fail('chat.postMessage', { error });
      expect(await announce('U1')).toBeUndefined();
      expect(calls('conversations.open')).toBe(2);
      expect(posted()).toBe(2);
      expect(await announce('U1')).toBeUndefined();
      expect(calls('conversations.open')).toBe(2);
    },
  );

  it('when the re-opened channel is refused as well, then the announcement is known not sent', async () => {
    const announce = processAnnouncer();
    await announce('U1');
    emu.fail('chat.postMessage', { error: 'channel_not_found', times: 2 });
    const err = await announce('U1');
    expect(err).toMatchObject({ details: { reason: 'channel_not_found' } });
    expect(wasNotSent(err)).toBe(true);
    expect(calls('conversations.open')).toBe(2);
    expect(calls('chat.postMessage')).toBe(3);
    expect(await announce('U1')).toBeUndefined();
    expect(calls('conversations.open')).toBe(3);
  });

  it('when announcements are read back, then the remembered DM channel is read without opening it', async () => {
    const announce = processAnnouncer();
    await announce('U1');
    await announce('U2');
    expect([...(await announce.readBack('U1'))]).toContain('g1');
    expect([...(await announce.readBack('U1'))]).toContain('g1');
    expect([...(await announce.readBack('U2'))]).toContain('g2');
    expect(calls('conversations.open')).toBe(2);
    expect(calls('conversations.history')).toBe(3);
  });

  it('when Slack answers channel_not_found for a remembered channel read back, then the DM is opened again and read once more', async () => {
    const announce = processAnnouncer();
    await announce('U1');
    emu.fail('conversations.history', { error: 'channel_not_found' });
    expect([...(await announce.readBack('U1'))]).toContain('g1');
    expect(calls('conversations.open')).toBe(2);
    expect(calls('conversations.history')).toBe(2);
  });

  it('when Slack refuses a just-opened channel, then it is not opened again', async () => {
    const announce = processAnnouncer();
    emu.fail('chat.postMessage', { error: 'channel_not_found' });
    const err = await announce('U1');
    expect(wasNotSent(err)).toBe(true);
    expect(calls('conversations.open')).toBe(1);
    expect(calls('chat.postMessage')).toBe(1);
  });

  it('when the outcome of a post is unknown, then the channel is kept and nothing is posted again', async () => {
    const announce = processAnnouncer();
    await announce('U1');
    emu.fail('chat.postMessage', { error: 'internal_error' });
    expect(wasNotSent(await announce('U1'))).toBe(false);
    expect(calls('chat.postMessage')).toBe(2);
    expect(calls('conversations.open')).toBe(1);
  });
});

describe('createDmChannels', () => {
  it('when more people than the bound are remembered, then the longest remembered is forgotten first', async () => {
    const opened: string[] = [];
    const dm = createDmChannels(async (u) => (opened.push(u), `D-${u}`), 2);
    for (const u of ['U1', 'U2', 'U3', 'U3', 'U2']) await dm.get(u);
    expect(opened).toEqual(['U1', 'U2', 'U3']);
    expect(await dm.get('U1')).toEqual({ channel: 'D-U1', remembered: false });
    expect(opened).toEqual(['U1', 'U2', 'U3', 'U1']);
  });

  it('when a channel is forgotten, then it is opened again', async () => {
    const dm = createDmChannels(async (u) => `D-${u}`);
    await dm.get('U1');
    expect(await dm.get('U1')).toMatchObject({ remembered: true });
    dm.forget('U1');
    expect(await dm.get('U1')).toMatchObject({ remembered: false });
  });
});
