import type { SlackActionMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import pino from 'pino';
import { connectErrors } from '../../src/modules/connect/domain/errors';
import type { StatusCheck } from '../../src/modules/connect/domain/status';
import {
  connectCommand,
  disconnectCommand,
  openLinkAction,
  registerConnectSlack,
  statusCommand,
} from '../../src/modules/connect/slack';

const log = pino({ level: 'silent' });

/** A slash command as Bolt hands it over, with an ack and a respond that only record. */
const invocation = () => {
  const order: string[] = [];
  const answers: unknown[] = [];
  const args = {
    command: { team_id: 'T1', user_id: 'U1' },
    ack: jest.fn(async () => void order.push('ack')),
    respond: jest.fn(async (m: unknown) => {
      order.push('respond');
      answers.push(m);
    }),
  } as unknown as SlackCommandMiddlewareArgs;
  return { args, order, answers };
};

const ephemeral = (text: string) =>
  expect.objectContaining({ response_type: 'ephemeral', replace_original: false, text });

describe('the connect commands', () => {
  it('when /ai-email-connect runs, then Slack is acknowledged first and the prompt is answered to the person only', async () => {
    const { args, order, answers } = invocation();
    const prompt = jest.fn(async () => ({ text: 'Open the link', blocks: [] }));
    await connectCommand({ log, prompt })(args);
    expect(order).toEqual(['ack', 'respond']);
    expect(prompt).toHaveBeenCalledWith('T1', 'U1', 'connect');
    expect(answers).toEqual([ephemeral('Open the link')]);
  });

  it('when the person asked for too many pairings, then the command answers with the rate-limit words', async () => {
    const { args, answers } = invocation();
    const prompt = async () => {
      throw connectErrors.fail('rate_limited', 'limit');
    };
    await connectCommand({ log, prompt })(args);
    expect(answers).toEqual([
      ephemeral('Too many connection attempts in the last hour. Please try again later.'),
    ]);
  });

  it('when a command fails for a reason not the person’s, then it answers the generic words and never throws into Bolt', async () => {
    const { args, answers } = invocation();
    const disconnect = async (): Promise<never> => {
      throw new Error('database down');
    };
    await expect(disconnectCommand({ log, disconnect })(args)).resolves.toBeUndefined();
    expect(answers).toEqual([ephemeral('Something went wrong on our side. Please try again in a minute.')]);
  });

  it('when /ai-email-status runs, then the report is worded; a failed check is logged and warned about', async () => {
    const { args, answers } = invocation();
    const warn = jest.fn();
    const check: StatusCheck = {
      report: { kind: 'not_connected' },
      problem: { kind: 'google_unreachable', code: 'google_timeout', connectionId: 'c1' },
    };
    const spyLog = Object.assign(pino({ level: 'silent' }), { warn });
    await statusCommand({ log: spyLog, checkStatus: async () => check })(args);
    expect(answers).toEqual([
      ephemeral(
        'Gmail is not connected. Run `/ai-email-connect` to connect your Gmail.\n:warning: Google could not be reached to check the connection just now.',
      ),
    ]);
    expect(warn).toHaveBeenCalledWith({ connectionId: 'c1', code: 'google_timeout' }, 'status check failed');
  });

  it('when /ai-email-disconnect finds nothing, then it says so', async () => {
    const { args, answers } = invocation();
    await disconnectCommand({ log, disconnect: async () => ({ status: 'not_connected' }) })(args);
    expect(answers).toEqual([ephemeral('Gmail is not connected; there is nothing to disconnect.')]);
  });

  it('when the link button is clicked, then the click is only acknowledged', async () => {
    const ack = jest.fn(async () => {});
    await openLinkAction({ ack } as unknown as SlackActionMiddlewareArgs);
    expect(ack).toHaveBeenCalledTimes(1);
  });

  it('when the listeners are registered, then the link button is answered by openLinkAction and each command by its own', () => {
    const commands: string[] = [];
    const actions = new Map<string, unknown>();
    const app = {
      command: (name: string) => void commands.push(name),
      action: (id: string, listener: unknown) => void actions.set(id, listener),
    } as unknown as Parameters<typeof registerConnectSlack>[0];
    registerConnectSlack(app, {
      log,
      prompt: jest.fn(),
      checkStatus: jest.fn(),
      disconnect: jest.fn(),
    });
    expect(commands).toEqual(['/ai-email-connect', '/ai-email-status', '/ai-email-disconnect']);
    expect([...actions]).toEqual([['connect_open_link', openLinkAction]]);
  });
});
