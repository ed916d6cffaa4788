import type { SlackEmulator } from '@mailbridge/slack-emulator';
import type { GoogleEmulator } from '@mailbridge/google-emulator';
import { optionLabels, type Control } from './render';
import { Screen } from './screen';

export interface ConsoleDeps {
  slack: SlackEmulator;
  google: GoogleEmulator;
  userId: string;
  channelId: string;
  /** The dev user's Slack time zone (users.info `tz`): dates are shown in it. */
  timeZone?: string;
  email: string;
  say: (text?: string) => void;
  shutdown: () => Promise<void>;
}

export const HELP = `Commands (you are the Slack user):
  /<command> [text]     a slash command, e.g. /ai-email-connect, /ai-email-status, /ai-email-notifications on
  say <text>            post a message in #general (prints its ts for the assistant's tool call)
  mail <subject>        deliver a new email to your Gmail inbox
  click <n> [option]    press button [n] (or pick an option of select [n]) in a message, modal or the Home tab
  set <n> <text>        fill input {n} of the open modal (a choice's text, value or position; a,b for several)
  submit                submit the open modal (with what you set)
  close                 close the open modal
  show                  show the open modal again
  home                  open your App Home tab and show it
  help                  this list
  quit                  stop everything`;

/** The dev console: renders what the app shows the dev user and turns typed commands into Slack actions. */
export function createConsole(d: ConsoleDeps): { handleLine(line: string): Promise<void>; tick(): void } {
  const { slack, say } = d;
  const screen = new Screen(slack, d);

  /** An option of a select typed as its text, value or 1-based position. */
  function optionValue(c: Control, text: string): string {
    if (!c.options?.length) return text;
    const byIndex = c.options[Number(text) - 1];
    const match = c.options.find(([t, v]) => t.toLowerCase() === text.toLowerCase() || v === text) ?? byIndex;
    if (!match) throw new Error(`no choice "${text}"; choices: ${c.options.map(([t]) => t).join(' | ')}`);
    return match[1];
  }

  async function click(arg: string | undefined, option: string): Promise<void> {
    const c = screen.numbered(arg);
    if (c.kind === 'input') throw new Error(`{${c.n}} is an input: set ${c.n} <text>`);
    const value = c.kind === 'select' ? optionValue(c, option) : c.value;
    if (c.source.type === 'view') {
      screen.homeActive = slack.homeView(d.userId)?.id === c.source.viewId;
      await slack.clickInView({
        userId: d.userId,
        viewId: c.source.viewId,
        actionId: c.actionId,
        blockId: c.blockId,
        value,
      });
    } else {
      if (c.kind === 'select') throw new Error('selects in messages are not supported by the console');
      const { channel, ts, ephemeral } = c.source;
      await slack.blockAction({
        userId: d.userId,
        actionId: c.actionId,
        value: value ?? '',
        blockId: c.blockId,
        channelId: channel,
        messageTs: ts,
        isEphemeral: ephemeral,
      });
    }
    say(`  pressed ${c.label}`);
  }

  function set(arg: string | undefined, text: string): void {
    const c = screen.numbered(arg);
    if (c.kind !== 'input' || c.source.type !== 'view')
      throw new Error(`[${arg}] is not an input of a modal`);
    const multi = /multi|checkboxes/.test(String(c.element.type));
    const value = multi ? text.split(',').map((t) => optionValue(c, t.trim())) : optionValue(c, text);
    const values = screen.typed.get(c.source.viewId) ?? {};
    values[c.blockId ?? ''] = { ...values[c.blockId ?? ''], [c.actionId]: value };
    screen.typed.set(c.source.viewId, values);
    say(`  ${c.label} = ${JSON.stringify(optionLabels(c.options, [value].flat()).join(', '))}`);
  }

  async function submit(): Promise<void> {
    const top = slack.topModal(d.userId);
    if (!top) throw new Error('no modal is open');
    const result = await slack.submitView({
      userId: d.userId,
      viewId: top.id,
      values: screen.typed.get(top.id),
    });
    if (result.responseAction === 'errors') {
      const labels = new Map(
        [...screen.controls.values()].filter((c) => c.kind === 'input').map((c) => [c.blockId, c.label]),
      );
      for (const [blockId, message] of Object.entries(result.errors ?? {}))
        say(`  ! ${labels.get(blockId) ?? blockId}: ${message}`);
      return;
    }
    screen.typed.delete(top.id);
    say('  submitted');
  }

  async function handleLine(line: string): Promise<void> {
    const [word = '', ...rest] = line.split(/\s+/);
    const arg = rest[0];
    const tail = rest.slice(1).join(' ');
    if (!line) return;
    if (word === 'quit' || word === 'exit') return d.shutdown();
    if (word === 'help') return say(HELP);
    if (line.startsWith('/')) {
      screen.homeActive = false;
      await slack.slashCommand({
        command: word,
        text: rest.join(' '),
        userId: d.userId,
        channelId: d.channelId,
      });
      return;
    }
    if (word === 'say' && rest.length) {
      const ts = `${Math.floor(Date.now() / 1000)}.${String(Date.now() % 1000).padStart(3, '0')}100`;
      await slack.event({
        type: 'message',
        channel: d.channelId,
        user: d.userId,
        text: rest.join(' '),
        ts,
        channel_type: 'channel',
      });
      return say(`  posted in #general with ts ${ts}`);
    }
    if (word === 'mail' && rest.length) {
      d.google.deliver(d.email, { from: 'Ada Lovelace <ada@example.org>', subject: rest.join(' ') });
      return say('  delivered to your inbox');
    }
    if (word === 'click') return click(arg, tail);
    if (word === 'set') return set(arg, tail);
    if (word === 'submit') return submit();
    if (word === 'close') {
      if (!slack.topModal(d.userId)) throw new Error('no modal is open');
      await slack.closeView({ userId: d.userId });
      return;
    }
    if (word === 'show') {
      const top = slack.topModal(d.userId);
      return top ? screen.showView(top) : say('  no modal is open');
    }
    if (word === 'home') return openHome();
    say(`  unknown command "${word}"; type help`);
  }

  async function openHome(): Promise<void> {
    const before = slack.homeView(d.userId)?.hash;
    screen.homeActive = false;
    await slack.openHome(d.userId);
    const view = await slack
      .waitForView(
        (v) => v.type === 'home' && slack.homeView(d.userId)?.id === v.id && v.hash !== before,
        5000,
      )
      .catch(() => slack.homeView(d.userId));
    screen.homeActive = true;
    if (!view) return say('[slack] App Home: the app published nothing for you');
    screen.homeSig = `${view.id}:${view.hash}`;
    screen.showView(view);
  }

  return { handleLine, tick: () => screen.tick() };
}
