import type { PostedMessage, SlackEmulator, SlackView, ViewValues } from '@mailbridge/slack-emulator';
import type { GoogleEmulator } from '@mailbridge/google-emulator';
import { plain, renderBlocks, type Control } from './render';

/** Where a numbered control lives: a message (by its key) or a view. */
type Source =
  | { type: 'message'; key: string; channel?: string; ts?: string; ephemeral: boolean }
  | { type: 'view'; key: string; viewId: string };
type Numbered = Control & { source: Source };

export interface ConsoleDeps {
  slack: SlackEmulator;
  google: GoogleEmulator;
  userId: string;
  channelId: string;
  email: string;
  say: (text?: string) => void;
  shutdown: () => Promise<void>;
}

export const HELP = `Commands (you are the Slack user):
  /<command> [text]     a slash command, e.g. /ai-email-connect, /ai-email-status, /ai-email-notifications on
  say <text>            post a message in #general (prints its ts for the assistant's tool call)
  mail <subject>        deliver a new email to your Gmail inbox
  click <n> [option]    press button [n] (or pick an option of select [n]) in a message, modal or the Home tab
  set <n> <text>        fill input {n} of the open modal (a choice's text or value for selects; a,b for several)
  submit                submit the open modal (with what you set)
  close                 close the open modal
  show                  show the open modal again
  home                  open your App Home tab and show it
  help                  this list
  quit                  stop everything`;

/** The dev console: renders what the app shows the dev user and turns typed commands into Slack actions. */
export function createConsole(d: ConsoleDeps): { handleLine(line: string): Promise<void>; tick(): void } {
  const { slack, say } = d;
  const controls = new Map<number, Numbered>();
  const typed = new Map<string, ViewValues>();
  let counter = 0;
  let seen = 0;
  let modalSig = '';
  let homeSig = '';
  let homeActive = false;

  /** Renders blocks of one source, replacing the numbers an earlier rendering of it handed out. */
  function render(blocks: unknown[], source: Source): string[] {
    for (const [n, c] of controls) if (c.source.key === source.key) controls.delete(n);
    return renderBlocks(blocks, (c) => {
      counter += 1;
      controls.set(counter, { ...c, n: counter, source });
      return counter;
    });
  }

  function where(m: PostedMessage): string {
    if (m.kind === 'postEphemeral' || m.kind === 'response_url' || m.kind === 'ack')
      return 'only you see this';
    if (m.channel === d.channelId) return '#general';
    return m.channel?.startsWith('D') ? 'DM from the app' : (m.channel ?? '');
  }

  function showMessage(m: PostedMessage, index: number): void {
    const verb = {
      postMessage: 'new',
      postEphemeral: 'new',
      update: 'updated',
      delete: 'deleted',
      response_url: 'reply',
      ack: 'reply',
    }[m.kind];
    const replaces = m.replaceOriginal ? ', replaces the one it answers' : '';
    say(`[slack] ${verb} message (${where(m)}${replaces})`);
    if (m.kind === 'delete') return;
    const ephemeral = m.kind !== 'postMessage' && m.kind !== 'update';
    const key = !ephemeral && m.ts ? `${m.channel}/${m.ts}` : `ephemeral-${index}`;
    const source: Source = { type: 'message', key, channel: m.channel, ts: m.ts, ephemeral };
    const lines = m.blocks?.length ? render(m.blocks, source) : [`  ${plain(m.text)}`];
    lines.forEach((l) => say(l));
  }

  function inputValue(view: SlackView, c: Control): string {
    const mine = typed.get(view.id)?.[c.blockId ?? '']?.[c.actionId];
    if (mine !== undefined) return Array.isArray(mine) ? mine.join(', ') : mine;
    const s = view.state.values[c.blockId ?? '']?.[c.actionId] ?? {};
    const pick = (o: unknown) => (o && typeof o === 'object' && 'value' in o ? String(o.value) : '');
    if (typeof s.value === 'string') return s.value;
    if (s.selected_option) return pick(s.selected_option);
    if (Array.isArray(s.selected_options)) return s.selected_options.map(pick).join(', ');
    return '';
  }

  function showView(view: SlackView): void {
    const source: Source = { type: 'view', key: `view-${view.id}`, viewId: view.id };
    const title = view.type === 'home' ? 'App Home' : `Modal: ${plain(view.title?.text)}`;
    const buttons = [
      view.submit && `submit: ${plain(view.submit.text)}`,
      view.close && `close: ${plain(view.close.text)}`,
    ];
    say(`[slack] ${title}${view.type === 'modal' ? `   (${buttons.filter(Boolean).join(' · ')})` : ''}`);
    for (const line of render(view.blocks, source)) {
      say(line);
      const input = /^ {2}\{(\d+)\}/.exec(line);
      const c = input ? controls.get(Number(input[1])) : undefined;
      if (c) say(`      = ${JSON.stringify(inputValue(view, c))}`);
    }
    if (view.type === 'modal') say('  (set <n> <text> fills an input; submit; close)');
  }

  function tick(): void {
    for (; seen < slack.messages.length; seen++) showMessage(slack.messages[seen]!, seen);
    const top = slack.topModal(d.userId);
    const sig = top ? `${top.id}:${top.hash}` : '';
    if (sig !== modalSig) {
      if (top) showView(top);
      else if (modalSig) say('[slack] the modal closed');
      modalSig = sig;
    }
    const home = slack.homeView(d.userId);
    const hs = home ? `${home.id}:${home.hash}` : '';
    if (hs !== homeSig && homeActive && home) showView(home);
    homeSig = hs;
  }

  function numbered(arg: string | undefined): Numbered {
    const c = controls.get(Number(arg));
    if (!c)
      throw new Error(
        `there is no [${arg ?? ''}] on screen; numbers come from the last message or view shown`,
      );
    return c;
  }

  /** An option of a select typed as its text, value or 1-based position. */
  function optionValue(c: Control, text: string): string {
    if (!c.options?.length) return text;
    const byIndex = c.options[Number(text) - 1];
    const match = c.options.find(([t, v]) => t.toLowerCase() === text.toLowerCase() || v === text) ?? byIndex;
    if (!match) throw new Error(`no choice "${text}"; choices: ${c.options.map(([t]) => t).join(' | ')}`);
    return match[1];
  }

  async function click(arg: string | undefined, option: string): Promise<void> {
    const c = numbered(arg);
    if (c.kind === 'input') throw new Error(`{${c.n}} is an input: set ${c.n} <text>`);
    const value = c.kind === 'select' ? optionValue(c, option) : c.value;
    if (c.source.type === 'view') {
      homeActive = slack.homeView(d.userId)?.id === c.source.viewId;
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
    const c = numbered(arg);
    if (c.kind !== 'input' || c.source.type !== 'view')
      throw new Error(`[${arg}] is not an input of a modal`);
    const multi = /multi|checkboxes/.test(String(c.element.type));
    const value = multi ? text.split(',').map((t) => optionValue(c, t.trim())) : optionValue(c, text);
    const values = typed.get(c.source.viewId) ?? {};
    values[c.blockId ?? ''] = { ...values[c.blockId ?? ''], [c.actionId]: value };
    typed.set(c.source.viewId, values);
    say(`  ${c.label} = ${JSON.stringify(Array.isArray(value) ? value.join(', ') : value)}`);
  }

  async function submit(): Promise<void> {
    const top = slack.topModal(d.userId);
    if (!top) throw new Error('no modal is open');
    const result = await slack.submitView({ userId: d.userId, viewId: top.id, values: typed.get(top.id) });
    if (result.responseAction === 'errors') {
      const labels = new Map(
        [...controls.values()].filter((c) => c.kind === 'input').map((c) => [c.blockId, c.label]),
      );
      for (const [blockId, message] of Object.entries(result.errors ?? {}))
        say(`  ! ${labels.get(blockId) ?? blockId}: ${plain(message)}`);
      return;
    }
    typed.delete(top.id);
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
      homeActive = false;
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
      return top ? showView(top) : say('  no modal is open');
    }
    if (word === 'home') return openHome();
    say(`  unknown command "${word}"; type help`);
  }

  async function openHome(): Promise<void> {
    const before = slack.homeView(d.userId)?.hash;
    homeActive = false;
    await slack.openHome(d.userId);
    const view = await slack
      .waitForView(
        (v) => v.type === 'home' && slack.homeView(d.userId)?.id === v.id && v.hash !== before,
        5000,
      )
      .catch(() => slack.homeView(d.userId));
    homeActive = true;
    if (!view) return say('[slack] App Home: the app published nothing for you');
    homeSig = `${view.id}:${view.hash}`;
    showView(view);
  }

  return { handleLine, tick };
}
