import { AppError } from '../../src/shared/errors';
import pino from 'pino';
import {
  notificationsCommand,
  startNotifications,
  turnOffAction,
  type NotifySlackDeps,
} from '../../src/modules/notify/slack';
import { notifyErrors } from '../../src/modules/notify/domain/errors';
import { connectErrors } from '../../src/modules/connect/domain/errors';
import { FAILED_REPLY, NOTIFY_USAGE } from '../../src/modules/notify/replies';
import type { SlackMessage } from '../../src/shared/slack-messenger';
import { DAY_MS, NOW, mailboxRow } from '../helpers/notify-fakes';

type Control = NotifySlackDeps['control'];

function setup(control: Partial<Control> = {}) {
  const order: string[] = [];
  const replies: Array<{ text: string; blocks?: unknown; response_type?: string }> = [];
  const prompts: string[] = [];
  const deps: NotifySlackDeps = {
    control: {
      enable: async () => ({
        kind: 'enabled',
        email: 'ada@example.com',
        watchExpiresAt: new Date(NOW.getTime() + 7 * DAY_MS),
        alreadyOn: false,
      }),
      disable: async () => ({ kind: 'disabled', email: 'ada@example.com' }),
      mailboxOf: async () => ({}),
      ...control,
    },
    prompt: async (teamId, userId, purpose): Promise<SlackMessage> => {
      prompts.push(`${teamId}/${userId}/${purpose}`);
      return { text: `prompt:${purpose}`, blocks: [{ type: 'divider' }] };
    },
    clock: { now: () => NOW },
    log: pino({ level: 'silent' }),
  };
  const ack = jest.fn(async () => void order.push('ack'));
  const respond = jest.fn(async (m: { text: string; blocks?: unknown; response_type?: string }) => {
    order.push('respond');
    replies.push(m);
    return undefined as never;
  });
  const command = (text: string) =>
    notificationsCommand(deps)({
      command: { text, team_id: 'T1', user_id: 'U1' } as never,
      ack: ack as never,
      respond: respond as never,
    });
  return { deps, command, ack, respond, replies, order, prompts };
}

describe('/ai-email-notifications', () => {
  it('when run with "on", then it acknowledges first and answers privately that notifications are on', async () => {
    const enable = jest.fn(setup().deps.control.enable);
    const { command, replies, order } = setup({ enable });
    await command(' ON ');
    expect(order).toEqual(['ack', 'respond']);
    expect(enable).toHaveBeenCalledWith('T1', 'U1');
    expect(replies[0]).toMatchObject({ response_type: 'ephemeral' });
    expect(replies[0]!.text).toMatch(/^New-mail notifications are on for ada@example.com: /);
  });

  it("when the grant lacks the read scope, then the answer is connect's prompt to grant it", async () => {
    const { command, replies, prompts } = setup({
      enable: async () => ({ kind: 'needs_grant', email: 'ada@example.com' }),
    });
    await command('on');
    expect(prompts).toEqual(['T1/U1/notifications']);
    expect(replies[0]).toMatchObject({ text: 'prompt:notifications', blocks: [{ type: 'divider' }] });
  });

  it('when Gmail is not connected, then the answer asks to connect first, with the connect prompt', async () => {
    const { command, replies, prompts } = setup({ enable: async () => ({ kind: 'not_connected' }) });
    await command('on');
    expect(prompts).toEqual(['T1/U1/connect']);
    expect(replies[0]!.text).toBe(
      'Connect your Gmail first, then run `/ai-email-notifications on` again. prompt:connect',
    );
  });

  it('when run with "off", then notifications are turned off for the person who ran it', async () => {
    const disable = jest.fn(async () => ({ kind: 'already_off' }) as const);
    const { command, replies } = setup({ disable });
    await command('off');
    expect(disable).toHaveBeenCalledWith('T1', 'U1');
    expect(replies[0]!.text).toBe('New-mail notifications are already off.');
  });

  it('when run with nothing, then it answers with the status', async () => {
    const { command, replies } = setup({
      mailboxOf: async () => ({
        connection: {
          id: 'conn-1',
          teamId: 'T1',
          userId: 'U1',
          email: 'ada@example.com',
          scopes: [],
          status: 'active',
        },
        mailbox: mailboxRow(),
      }),
    });
    await command('  ');
    expect(replies[0]!.text).toMatch(
      /^New-mail notifications for ada@example.com are on\.\nGmail watch healthy until /,
    );
  });

  it('when run with something else, then it says so (escaped) with the usage, without doing anything', async () => {
    const enable = jest.fn();
    const { command, replies, ack } = setup({ enable });
    await command('<!here> `x`');
    expect(ack).toHaveBeenCalled();
    expect(enable).not.toHaveBeenCalled();
    expect(replies[0]!.text).toBe(`I did not understand \`!here x\`. ${NOTIFY_USAGE}`);
  });

  it('when connect says the connection is unusable, then its words are the answer', async () => {
    const { command, replies } = setup({
      enable: async () =>
        Promise.reject(connectErrors.fail('not_connected', 'Gmail is not connected; run /ai-email-connect')),
    });
    await command('on');
    expect(replies[0]!.text).toBe('Gmail is not connected; run /ai-email-connect');
  });

  it("when a connect prompt is refused for too many links, then connect's words are the answer", async () => {
    const { deps, command, replies } = setup({ enable: async () => ({ kind: 'not_connected' }) });
    deps.prompt = async () =>
      Promise.reject(
        new AppError(
          'rate_limited',
          'Too many connection attempts in the last hour. Please try again later.',
          {
            kind: 'user',
          },
        ),
      );
    await command('on');
    expect(replies[0]!.text).toBe('Too many connection attempts in the last hour. Please try again later.');
  });

  it('when anything else fails, then the answer says something went wrong on our side', async () => {
    const { command, replies } = setup({
      disable: async () => Promise.reject(notifyErrors.fail('slack_unavailable', 'Slack: internal_error')),
    });
    await command('off');
    expect(replies).toEqual([expect.objectContaining({ text: FAILED_REPLY })]);
  });
});

describe('the "Turn off" button', () => {
  it("when clicked, then the clicker's own notifications turn off and they are told so", async () => {
    const disable = jest.fn(async () => ({ kind: 'disabled', email: 'ada@example.com' }) as const);
    const { deps, respond, replies, order } = setup({ disable });
    const ack = jest.fn(async () => void order.push('ack'));
    await turnOffAction(deps)({
      ack: ack as never,
      body: { team: { id: 'T9' }, user: { id: 'U9' } } as never,
      respond: respond as never,
    });
    expect(order).toEqual(['ack', 'respond']);
    expect(disable).toHaveBeenCalledWith('T9', 'U9');
    expect(replies[0]!.text).toBe(
      'New-mail notifications for ada@example.com are off. Turn them on again with `/ai-email-notifications on`.',
    );
  });

  it("when the click carries no team, then the user's own team is used", async () => {
    const disable = jest.fn(async () => ({ kind: 'already_off' }) as const);
    const { deps, respond } = setup({ disable });
    await turnOffAction(deps)({
      ack: (async () => undefined) as never,
      body: { team: null, user: { id: 'U9', team_id: 'T8' } } as never,
      respond: respond as never,
    });
    expect(disable).toHaveBeenCalledWith('T8', 'U9');
  });
});

describe('a finished "Grant access"', () => {
  it('when the watch starts, then the person is told in their DM', async () => {
    const dms: Array<{ userId: string; text: string }> = [];
    const { deps } = setup();
    const connection = {
      id: 'conn-1',
      teamId: 'T1',
      userId: 'U1',
      email: 'ada@example.com',
      scopes: [],
      status: 'active' as const,
    };
    const start = startNotifications({
      control: { enableConnection: async () => ({ kind: 'connection_invalid', email: 'ada@example.com' }) },
      prompt: deps.prompt,
      dm: async (userId, m) => void dms.push({ userId, text: m.text }),
    });
    await start(connection);
    expect(dms).toEqual([
      {
        userId: 'U1',
        text: 'Your Gmail connection (ada@example.com) is no longer valid. Run `/ai-email-connect` to reconnect, then `/ai-email-notifications on`.',
      },
    ]);
  });
});
