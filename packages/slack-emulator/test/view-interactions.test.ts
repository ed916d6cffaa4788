import type { App } from '@slack/bolt';
import { boltHarness, home, modal } from './bolt-harness';

const { emu, startBolt } = boltHarness();

/** A Bolt app whose /edit opens the modal; `setup` adds the view listeners under test. */
async function withModal(setup: (app: App) => void = () => undefined): Promise<App> {
  const app = await startBolt((a) => {
    a.command('/edit', async ({ ack, body, client }) => {
      await ack();
      await client.views.open({
        trigger_id: body.trigger_id,
        view: modal({ notify_on_close: true }) as never,
      });
    });
    setup(a);
  });
  await emu().slashCommand({ command: '/edit', userId: 'U100' });
  await emu().waitForView((v) => v.callback_id === 'edit');
  return app;
}

describe('interactions in views', () => {
  test('when a button inside a modal is clicked, then block_actions names the view container with its state and a trigger that can push', async () => {
    const bodies: Record<string, unknown>[] = [];
    await withModal((app) =>
      app.action('more', async ({ ack, body, client }) => {
        await ack();
        bodies.push(body as never);
        const trigger = (body as { trigger_id: string }).trigger_id;
        await client.views.push({ trigger_id: trigger, view: modal({ callback_id: 'more' }) as never });
      }),
    );
    const root = emu().topModal('U100')!;

    await emu().clickInView({ userId: 'U100', actionId: 'more' });
    await emu().waitForView((v) => v.callback_id === 'more');

    expect(bodies[0]).toMatchObject({
      type: 'block_actions',
      user: { id: 'U100', name: 'ada' },
      container: { type: 'view', view_id: root.id },
      trigger_id: expect.any(String),
      view: { id: root.id, state: { values: { subject: { value: { value: 'Hello' } } } } },
      actions: [{ type: 'button', action_id: 'more', block_id: 'tools', value: 'm1' }],
    });
    expect(bodies[0]).not.toHaveProperty('response_url');
    expect(
      emu()
        .modals('U100')
        .map((v) => v.callback_id),
    ).toEqual(['edit', 'more']);
  });

  test('when a modal is submitted with a plain ack, then the payload carries what was typed and the modal closes', async () => {
    const seen: Record<string, unknown>[] = [];
    await withModal((app) =>
      app.view('edit', async ({ ack, body }) => {
        seen.push(body as never);
        await ack();
      }),
    );

    const result = await emu().submitView({ userId: 'U100', values: { subject: { value: 'New subject' } } });

    expect(seen[0]).toMatchObject({
      type: 'view_submission',
      trigger_id: expect.any(String),
      response_urls: [],
      view: {
        callback_id: 'edit',
        private_metadata: 'draft-1',
        state: { values: { subject: { value: { type: 'plain_text_input', value: 'New subject' } } } },
      },
    });
    expect(result.responseAction).toBeUndefined();
    expect(result.modals).toEqual([]);
  });

  test('when the ack answers errors, then the modal stays open and the errors are returned and recorded', async () => {
    await withModal((app) =>
      app.view('edit', async ({ ack }) =>
        ack({ response_action: 'errors', errors: { subject: 'Too short' } }),
      ),
    );

    const result = await emu().submitView({ userId: 'U100', values: { subject: { value: 'x' } } });

    expect(result).toMatchObject({ responseAction: 'errors', errors: { subject: 'Too short' } });
    expect(result.modals).toHaveLength(1);
    expect(emu().viewErrors).toEqual([
      expect.objectContaining({ userId: 'U100', errors: { subject: 'Too short' } }),
    ]);
  });

  test('when the ack answers errors keyed by an action_id, a non-input block or nothing, then it is refused as Slack refuses it', async () => {
    const answers: unknown[] = [
      { subject_input: 'Too short' },
      { value: 'Too short' },
      { tools: 'Not an input' },
      { subject: 'Fine', other: 'Unknown block' },
      {},
      undefined,
    ];
    await withModal((app) =>
      app.view('edit', async ({ ack }) =>
        ack({ response_action: 'errors', errors: answers.shift() } as never),
      ),
    );
    const open = emu().topModal('U100')!;

    for (const bad of ['subject_input', 'value', 'tools', 'other'])
      await expect(emu().submitView({ userId: 'U100' })).rejects.toThrow(
        new RegExp(`names "${bad}", not the block_id of an input block of the view \\(inputs: subject\\)`),
      );
    await expect(emu().submitView({ userId: 'U100' })).rejects.toThrow(/without an errors object/);
    await expect(emu().submitView({ userId: 'U100' })).rejects.toThrow(/without an errors object/);
    expect(
      emu()
        .modals('U100')
        .map((v) => v.id),
    ).toEqual([open.id]);
  });

  test('when the ack names an unknown response_action, then it is refused and the modal stays open', async () => {
    await withModal((app) =>
      app.view('edit', async ({ ack }) => ack({ response_action: 'update ' } as never)),
    );
    const open = emu().topModal('U100')!;

    await expect(emu().submitView({ userId: 'U100' })).rejects.toThrow(/unknown response_action "update "/);
    expect(emu().topModal('U100')?.id).toBe(open.id);
  });

  test("when a Home view or another person's modal is submitted, then nothing is sent: only a viewer submits their own modal", async () => {
    await withModal((app) => {
      app.event('app_home_opened', async ({ event, client }) => {
        await client.views.publish({ user_id: event.user, view: home() as never });
      });
      app.view('edit', async ({ ack }) => ack());
    });
    emu().addUser({ id: 'U200', name: 'bob', realName: 'Bob', email: 'bob@example.test' });
    const theirs = emu().topModal('U100')!;
    await emu().openHome('U100');
    const published = await emu().waitForView((v) => v.type === 'home');
    const sent = emu().envelopes.length;

    await expect(emu().submitView({ userId: 'U100', viewId: published.id })).rejects.toThrow(
      /is a home view; only modals are submitted/,
    );
    await expect(emu().submitView({ userId: 'U200', viewId: theirs.id })).rejects.toThrow(
      /not a modal U200 has open; only its viewer submits it/,
    );
    expect(emu().envelopes.length).toBe(sent);
    expect(emu().topModal('U100')?.id).toBe(theirs.id);
  });

  test('when the ack answers update, then the same view shows the new content', async () => {
    await withModal((app) =>
      app.view('edit', async ({ ack }) =>
        ack({
          response_action: 'update',
          view: modal({ title: { type: 'plain_text', text: 'Saved' } }) as never,
        }),
      ),
    );
    const before = emu().topModal('U100')!;

    const result = await emu().submitView({ userId: 'U100' });

    expect(result.responseAction).toBe('update');
    expect(result.modals).toEqual([
      expect.objectContaining({ id: before.id, title: expect.objectContaining({ text: 'Saved' }) }),
    ]);
  });

  test('when the ack answers push, then a new view is on top of the stack', async () => {
    await withModal((app) =>
      app.view('edit', async ({ ack }) =>
        ack({ response_action: 'push', view: modal({ callback_id: 'confirm' }) as never }),
      ),
    );

    const result = await emu().submitView({ userId: 'U100' });

    expect(result.responseAction).toBe('push');
    expect(result.modals.map((v) => v.callback_id)).toEqual(['edit', 'confirm']);
  });

  test('when the ack answers clear, then every view of the stack closes', async () => {
    await withModal((app) => {
      app.view('edit', async ({ ack }) =>
        ack({ response_action: 'push', view: modal({ callback_id: 'confirm' }) as never }),
      );
      app.view('confirm', async ({ ack }) => ack({ response_action: 'clear' }));
    });
    await emu().submitView({ userId: 'U100' });

    const result = await emu().submitView({ userId: 'U100' });

    expect(result).toMatchObject({ responseAction: 'clear', modals: [] });
  });

  test('when a modal with notify_on_close is closed, then view_closed reaches the app; without it nothing is sent', async () => {
    const closed: Record<string, unknown>[] = [];
    await withModal((app) =>
      app.view({ callback_id: 'edit', type: 'view_closed' }, async ({ ack, body }) => {
        closed.push(body as never);
        await ack();
      }),
    );

    await emu().closeView({ userId: 'U100' });

    expect(closed).toEqual([
      expect.objectContaining({
        type: 'view_closed',
        is_cleared: false,
        view: expect.objectContaining({ callback_id: 'edit' }),
      }),
    ]);
    expect(emu().modals('U100')).toEqual([]);
  });

  test('when the Home tab is opened, then app_home_opened carries the published view and a click in it names the view', async () => {
    const events: Record<string, unknown>[] = [];
    const clicks: Record<string, unknown>[] = [];
    await startBolt((app) => {
      app.event('app_home_opened', async ({ event, client }) => {
        events.push(event as never);
        await client.views.publish({ user_id: event.user, view: home() as never });
      });
      app.action('edit_rules', async ({ ack, body }) => {
        clicks.push(body as never);
        await ack();
      });
    });

    await emu().openHome('U100');
    const published = await emu().waitForView((v) => v.type === 'home');
    await emu().openHome('U100');
    await emu().clickInView({ userId: 'U100', viewId: published.id, actionId: 'edit_rules' });

    expect(events[0]).toMatchObject({ type: 'app_home_opened', user: 'U100', tab: 'home' });
    expect(events[0]).not.toHaveProperty('view');
    expect(events[1]).toMatchObject({ view: { id: published.id, type: 'home' } });
    expect(clicks[0]).toMatchObject({
      container: { type: 'view', view_id: published.id },
      view: { type: 'home' },
    });
    expect(emu().homeView('U100')?.id).toBe(published.id);
  });

  test('when a modal is closed without notify_on_close, then no envelope is sent', async () => {
    const app = await startBolt();
    const trigger = emu().issueTriggerId('U100');
    await app.client.views.open({ trigger_id: trigger, view: modal() as never });
    const sent = emu().envelopes.length;

    expect(await emu().closeView({ userId: 'U100' })).toBeUndefined();
    expect(emu().envelopes.length).toBe(sent);
    expect(emu().topModal('U100')).toBeUndefined();
  });
});
