import { wasNotSent } from '../../src/modules/notify/domain/failures';
import { startSlackEmulator, type SlackEmulator } from '@mailbridge/slack-emulator';
import { emulatorAnnouncer } from '../helpers/notify-announcer';

const NOW = new Date('2026-11-20T12:00:00Z');

let emu: SlackEmulator;

beforeAll(async () => {
  emu = await startSlackEmulator();
  emu.addUser({ id: 'U1', name: 'ada' });
});
afterEach(() => emu.clearFaults());
afterAll(async () => {
  await emu.close();
});

const announceOnce = (): Promise<unknown> => emulatorAnnouncer(emu, NOW)('U1');

describe('announcement failures', () => {
  it.each([
    'msg_too_long',
    'invalid_metadata_format',
    'invalid_metadata_schema',
    'channel_not_found',
    'not_authed',
    'invalid_auth',
    'account_inactive',
    'is_archived',
    'no_text',
    'invalid_blocks',
    'too_many_attachments',
    'restricted_action',
    'not_in_channel',
    'missing_scope',
    'ratelimited',
  ])('when Slack answers ok:false with %s, then the post is known never to have landed', async (error) => {
    emu.fail('chat.postMessage', { error });
    const err = await announceOnce();
    expect(err).toMatchObject({ details: { reason: error } });
    expect(wasNotSent(err)).toBe(true);
  });

  it.each(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout'])(
    'when Slack answers ok:false with %s, then the outcome stays unknown',
    async (error) => {
      emu.fail('chat.postMessage', { error });
      const err = await announceOnce();
      expect(err).toMatchObject({ details: { reason: error } });
      expect(wasNotSent(err)).toBe(false);
    },
  );

  it('when Slack answers with an HTTP error, then the outcome stays unknown', async () => {
    emu.fail('chat.postMessage', { status: 500 });
    const err = await announceOnce();
    expect(err).toMatchObject({ code: 'slack_unavailable' });
    expect(wasNotSent(err)).toBe(false);
  });

  it('when Slack never answers before the client gives up, then the outcome stays unknown', async () => {
    emu.fail('chat.postMessage', { delayMs: 3_000 });
    const err = await announceOnce();
    expect(err).toMatchObject({ code: 'slack_unavailable' });
    expect(wasNotSent(err)).toBe(false);
  });

  it('when Slack takes the post, then nothing is thrown', async () => {
    await expect(announceOnce()).resolves.toBeUndefined();
    expect(emu.messages.some((m) => m.text !== undefined)).toBe(true);
  });
});
