import type { PostedMessage, SlackEmulator, SlackView, ViewValues } from '@mailbridge/slack-emulator';
import { optionLabels, plain, renderBlocks, type Control, type RenderOptions } from './render';

/** Where a numbered control lives: a message (by its key) or a view. */
export type Source =
  | { type: 'message'; key: string; channel?: string; ts?: string; ephemeral: boolean }
  | { type: 'view'; key: string; viewId: string };
export type Numbered = Control & { source: Source };

/**
 * What the dev user sees: new messages, the open modal and (while they look at it) the App Home, printed
 * as they change; every button and input on screen keeps a number until its message or view is redrawn.
 */
export class Screen {
  readonly controls = new Map<number, Numbered>();
  /** What the user set in each open view's inputs, sent with its submission. */
  readonly typed = new Map<string, ViewValues>();
  /** Whether Home changes are shown (after `home` or a click in the Home). */
  homeActive = false;
  homeSig = '';
  private counter = 0;
  private seen = 0;
  private modalSig = '';

  constructor(
    private readonly slack: SlackEmulator,
    private readonly d: {
      userId: string;
      channelId: string;
      timeZone?: string;
      say: (text?: string) => void;
    },
  ) {}

  /** Dates are shown in the dev user's Slack time zone, as Slack shows them to that person. */
  private get options(): RenderOptions {
    return { timeZone: this.d.timeZone };
  }

  /** Renders blocks of one source, replacing the numbers an earlier rendering of it handed out. */
  private render(blocks: unknown[], source: Source): string[] {
    for (const [n, c] of this.controls) if (c.source.key === source.key) this.controls.delete(n);
    return renderBlocks(
      blocks,
      (c) => {
        this.counter += 1;
        this.controls.set(this.counter, { ...c, n: this.counter, source });
        return this.counter;
      },
      this.options,
    );
  }

  private where(m: PostedMessage): string {
    if (m.kind === 'postEphemeral' || m.kind === 'response_url' || m.kind === 'ack')
      return 'only you see this';
    if (m.channel === this.d.channelId) return '#general';
    return m.channel?.startsWith('D') ? 'DM from the app' : (m.channel ?? '');
  }

  showMessage(m: PostedMessage, index: number): void {
    const verb = {
      postMessage: 'new',
      postEphemeral: 'new',
      update: 'updated',
      delete: 'deleted',
      response_url: 'reply',
      ack: 'reply',
    }[m.kind];
    const replaces = m.replaceOriginal ? ', replaces the one it answers' : '';
    this.d.say(`[slack] ${verb} message (${this.where(m)}${replaces})`);
    if (m.kind === 'delete') return;
    const ephemeral = m.kind !== 'postMessage' && m.kind !== 'update';
    const key = !ephemeral && m.ts ? `${m.channel}/${m.ts}` : `ephemeral-${index}`;
    const source: Source = { type: 'message', key, channel: m.channel, ts: m.ts, ephemeral };
    const lines = m.blocks?.length ? this.render(m.blocks, source) : [`  ${plain(m.text, this.options)}`];
    lines.forEach((l) => this.d.say(l));
  }

  /** What an input holds, as the person sees it: a choice by its label, not its value. */
  private inputValue(view: SlackView, c: Control): string {
    return optionLabels(c.options, this.inputValues(view, c)).join(', ');
  }

  private inputValues(view: SlackView, c: Control): string[] {
    const mine = this.typed.get(view.id)?.[c.blockId ?? '']?.[c.actionId];
    if (mine !== undefined) return [mine].flat();
    const s = view.state.values[c.blockId ?? '']?.[c.actionId] ?? {};
    const pick = (o: unknown) => (o && typeof o === 'object' && 'value' in o ? String(o.value) : '');
    if (typeof s.value === 'string') return [s.value];
    if (s.selected_option) return [pick(s.selected_option)];
    if (Array.isArray(s.selected_options)) return s.selected_options.map(pick);
    return [];
  }

  showView(view: SlackView): void {
    const source: Source = { type: 'view', key: `view-${view.id}`, viewId: view.id };
    const title = view.type === 'home' ? 'App Home' : `Modal: ${view.title?.text ?? ''}`;
    const buttons = [view.submit && `submit: ${view.submit.text}`, view.close && `close: ${view.close.text}`];
    this.d.say(
      `[slack] ${title}${view.type === 'modal' ? `   (${buttons.filter(Boolean).join(' · ')})` : ''}`,
    );
    for (const line of this.render(view.blocks, source)) {
      this.d.say(line);
      const input = /^ {2}\{(\d+)\}/.exec(line);
      const c = input ? this.controls.get(Number(input[1])) : undefined;
      if (c) this.d.say(`      = ${JSON.stringify(this.inputValue(view, c))}`);
    }
    if (view.type === 'modal') this.d.say('  (set <n> <text> fills an input; submit; close)');
  }

  tick(): void {
    for (; this.seen < this.slack.messages.length; this.seen++)
      this.showMessage(this.slack.messages[this.seen]!, this.seen);
    const top = this.slack.topModal(this.d.userId);
    const sig = top ? `${top.id}:${top.hash}` : '';
    if (sig !== this.modalSig) {
      if (top) this.showView(top);
      else if (this.modalSig) this.d.say('[slack] the modal closed');
      this.modalSig = sig;
    }
    const home = this.slack.homeView(this.d.userId);
    const hs = home ? `${home.id}:${home.hash}` : '';
    if (hs !== this.homeSig && this.homeActive && home) this.showView(home);
    this.homeSig = hs;
  }

  numbered(arg: string | undefined): Numbered {
    const c = this.controls.get(Number(arg));
    if (!c)
      throw new Error(
        `there is no [${arg ?? ''}] on screen; numbers come from the last message or view shown`,
      );
    return c;
  }
}
