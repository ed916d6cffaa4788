import { isRecord } from './http-body';
import { randomHex, slackId } from './ids';
import { Triggers } from './triggers';
import type { Recorder } from './recorder';
import type { SlackView } from './types';
import { initialState } from './view-state';
import { viewProblems } from './view-validation';
import type { Workspace } from './workspace';

/** Slack's modal stack holds the root plus two pushed views. */
export const MAX_STACK = 3;

type Args = Record<string, unknown>;
type Answer = Record<string, unknown>;
const fail = (error: string): Answer => ({ ok: false, error });
const str = (args: Args, key: string): string | undefined =>
  typeof args[key] === 'string' && args[key] !== '' ? (args[key] as string) : undefined;

/** Modals (a stack per user), published Home views and the trigger ids that may open modals. */
export class ViewStore {
  private readonly byId = new Map<string, { view: SlackView; userId: string }>();
  private readonly stacks = new Map<string, string[]>();
  private readonly homes = new Map<string, string>();
  private readonly triggers: Triggers;

  constructor(
    private readonly workspace: Workspace,
    private readonly recorder: Recorder,
    triggerTtlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.triggers = new Triggers(triggerTtlMs, now);
  }

  issueTrigger(userId: string, chosen?: string): string {
    return this.triggers.issue(userId, chosen);
  }

  expireTriggers(): void {
    this.triggers.expireAll();
  }

  private takeTrigger(id: string | undefined): { userId: string } | { error: string } {
    return this.triggers.take(id);
  }

  get(viewId: string): SlackView | undefined {
    return this.byId.get(viewId)?.view;
  }

  ownerOf(viewId: string): string | undefined {
    return this.byId.get(viewId)?.userId;
  }

  modals(userId: string): SlackView[] {
    return (this.stacks.get(userId) ?? []).map((id) => this.byId.get(id)!.view);
  }

  home(userId: string): SlackView | undefined {
    const id = this.homes.get(userId);
    return id === undefined ? undefined : this.get(id);
  }

  /** Every view a test may wait for: open modals and published Home views. */
  all(): SlackView[] {
    const open = [...this.stacks.values()].flat();
    return [...open, ...this.homes.values()].map((id) => this.byId.get(id)!.view);
  }

  private build(spec: Args, userId: string, previous?: SlackView, stackRoot?: string): SlackView {
    const id = previous?.id ?? slackId('V');
    const w = this.workspace;
    const view: SlackView = {
      id,
      team_id: w.teamId,
      type: spec.type as SlackView['type'],
      blocks: spec.blocks as unknown[],
      private_metadata: typeof spec.private_metadata === 'string' ? spec.private_metadata : '',
      callback_id: typeof spec.callback_id === 'string' ? spec.callback_id : '',
      state: initialState(spec.blocks as unknown[], previous),
      hash: `${Math.floor(this.now() / 1000)}.${randomHex(4)}`,
      title: isRecord(spec.title) ? spec.title : undefined,
      submit: isRecord(spec.submit) ? spec.submit : null,
      close: isRecord(spec.close) ? spec.close : null,
      clear_on_close: spec.clear_on_close === true,
      notify_on_close: spec.notify_on_close === true,
      external_id: typeof spec.external_id === 'string' ? spec.external_id : '',
      root_view_id: spec.type === 'home' ? null : (stackRoot ?? id),
      previous_view_id: previous?.previous_view_id ?? null,
      app_id: w.appId,
      app_installed_team_id: w.teamId,
      bot_id: w.botId,
    };
    if (view.type === 'home') delete view.title;
    this.byId.set(id, { view, userId });
    this.recorder.waiters.notify();
    return view;
  }

  private externalTaken(spec: Args, exceptId?: string): boolean {
    const ext = spec.external_id;
    if (typeof ext !== 'string' || ext === '') return false;
    return [...this.byId.values()].some((e) => e.view.external_id === ext && e.view.id !== exceptId);
  }

  private checked(args: Args, kind: 'modal' | 'home' | 'any'): { spec: Args } | { answer: Answer } {
    const messages = viewProblems(args.view, kind);
    if (messages.length > 0)
      return { answer: { ok: false, error: 'invalid_arguments', response_metadata: { messages } } };
    return { spec: args.view as Args };
  }

  open(args: Args): Answer {
    const c = this.checked(args, 'modal');
    if ('answer' in c) return c.answer;
    const t = this.takeTrigger(str(args, 'trigger_id'));
    if ('error' in t) return fail(t.error);
    if (this.externalTaken(c.spec)) return fail('duplicate_external_id');
    return { ok: true, view: this.openFor(t.userId, c.spec) };
  }

  /** A new root modal for the user (replacing whatever stack was open). */
  openFor(userId: string, spec: Args): SlackView {
    this.closeStack(userId);
    const view = this.build(spec, userId);
    this.stacks.set(userId, [view.id]);
    this.recorder.waiters.notify();
    return view;
  }

  push(args: Args): Answer {
    const c = this.checked(args, 'modal');
    if ('answer' in c) return c.answer;
    const t = this.takeTrigger(str(args, 'trigger_id'));
    if ('error' in t) return fail(t.error);
    if (this.externalTaken(c.spec)) return fail('duplicate_external_id');
    const pushed = this.pushFor(t.userId, c.spec);
    return pushed ? { ok: true, view: pushed } : fail('push_limit_reached');
  }

  /** Pushes onto the user's stack (opens one when none is open); undefined past the limit. */
  pushFor(userId: string, spec: Args): SlackView | undefined {
    const stack = this.stacks.get(userId) ?? [];
    if (stack.length >= MAX_STACK) return undefined;
    const top = stack.at(-1);
    const view = this.build(spec, userId, undefined, stack[0]);
    view.previous_view_id = top ?? null;
    this.stacks.set(userId, [...stack, view.id]);
    this.recorder.waiters.notify();
    return view;
  }

  update(args: Args): Answer {
    const c = this.checked(args, 'any');
    if ('answer' in c) return c.answer;
    const viewId = str(args, 'view_id');
    const ext = str(args, 'external_id');
    if (!viewId && !ext) return fail('invalid_arguments');
    const entry = [...this.byId.values()].find((e) =>
      viewId ? e.view.id === viewId : e.view.external_id === ext,
    );
    if (!entry) return fail('not_found');
    const hash = str(args, 'hash');
    if (hash !== undefined && hash !== entry.view.hash) return fail('hash_conflict');
    if (this.externalTaken(c.spec, entry.view.id)) return fail('duplicate_external_id');
    return { ok: true, view: this.replace(entry.view, c.spec) };
  }

  /** The same view id, new content; input state kept for inputs with the same block and action ids. */
  replace(old: SlackView, spec: Args): SlackView {
    const userId = this.byId.get(old.id)!.userId;
    return this.build({ ...spec, type: spec.type ?? old.type }, userId, old, old.root_view_id ?? undefined);
  }

  publish(args: Args): Answer {
    const userId = str(args, 'user_id');
    if (!userId || !this.workspace.users.has(userId)) return fail('user_not_found');
    const c = this.checked(args, 'home');
    if ('answer' in c) return c.answer;
    const current = this.home(userId);
    const hash = str(args, 'hash');
    if (hash !== undefined && current && hash !== current.hash) return fail('hash_conflict');
    if (this.externalTaken(c.spec, current?.id)) return fail('duplicate_external_id');
    const view = current ? this.replace(current, c.spec) : this.build(c.spec, userId);
    this.homes.set(userId, view.id);
    this.recorder.waiters.notify();
    return { ok: true, view };
  }

  /** Removes the top modal (or the whole stack); returns the removed views, top first. */
  popTop(userId: string): SlackView[] {
    const stack = this.stacks.get(userId) ?? [];
    const top = stack.pop();
    if (stack.length === 0) this.stacks.delete(userId);
    return top ? this.forget([top]) : [];
  }

  closeStack(userId: string): SlackView[] {
    const ids = [...(this.stacks.get(userId) ?? [])].reverse();
    this.stacks.delete(userId);
    return this.forget(ids);
  }

  /** A closed modal is gone: views.update on it answers `not_found`, as Slack does. */
  private forget(ids: string[]): SlackView[] {
    const views = ids.map((id) => this.byId.get(id)!.view);
    ids.forEach((id) => this.byId.delete(id));
    this.recorder.waiters.notify();
    return views;
  }
}
