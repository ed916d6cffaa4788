import { webApi } from '@slack/bolt';
import { boltHarness, home, modal } from './bolt-harness';

const { emu, startBolt } = boltHarness();
const quiet = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => 'error',
  setName() {},
};
const client = () =>
  new webApi.WebClient(emu().botToken, {
    slackApiUrl: emu().apiUrl,
    retryConfig: { retries: 0 },
    logger: quiet as never,
  });
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { data?: { error?: string; response_metadata?: { messages?: string[] } } }) => e.data,
  );

describe('views.open / push / update / publish', () => {
  test("when views.open gets a trigger id from a slash command, then the modal opens for its user with Slack's view fields", async () => {
    await startBolt((app) =>
      app.command('/edit', async ({ ack, body, client: c }) => {
        await ack();
        await c.views.open({ trigger_id: body.trigger_id, view: modal() as never });
      }),
    );

    await emu().slashCommand({ command: '/edit', userId: 'U100' });
    const view = await emu().waitForView((v) => v.callback_id === 'edit');

    expect(view).toMatchObject({
      id: expect.stringMatching(/^V[A-Z0-9]+$/),
      team_id: emu().teamId,
      type: 'modal',
      title: { type: 'plain_text', text: 'Edit email' },
      submit: { text: 'Save' },
      close: { text: 'Cancel' },
      private_metadata: 'draft-1',
      state: { values: { subject: { value: { type: 'plain_text_input', value: 'Hello' } } } },
      hash: expect.any(String),
      root_view_id: view.id,
      previous_view_id: null,
      app_id: emu().appId,
      bot_id: emu().botId,
      external_id: '',
      notify_on_close: false,
    });
    expect(emu().modals('U100')).toEqual([view]);
    const call = await emu().waitForCall('views.open');
    expect(call.args.view).toMatchObject({ callback_id: 'edit' });
  });

  test('when a trigger id is unknown, expired or used twice, then views.open refuses it like Slack', async () => {
    const c = client();
    expect(await errorOf(c.views.open({ trigger_id: '1.2.nope', view: modal() as never }))).toMatchObject({
      error: 'invalid_trigger_id',
    });
    const stale = emu().issueTriggerId('U100');
    emu().expireTriggerIds();
    expect(await errorOf(c.views.open({ trigger_id: stale, view: modal() as never }))).toMatchObject({
      error: 'expired_trigger_id',
    });
    const fresh = emu().issueTriggerId('U100');
    await c.views.open({ trigger_id: fresh, view: modal() as never });
    expect(await errorOf(c.views.open({ trigger_id: fresh, view: modal() as never }))).toMatchObject({
      error: 'exchanged_trigger_id',
    });
  });

  test('when a message button is clicked, then its block_actions carries a trigger id that opens a modal', async () => {
    await startBolt((app) =>
      app.action('edit', async ({ ack, body, client: c }) => {
        await ack();
        await c.views.open({
          trigger_id: (body as { trigger_id: string }).trigger_id,
          view: modal() as never,
        });
      }),
    );
    await emu().blockAction({ userId: 'U100', actionId: 'edit', value: 'd1' });
    expect(await emu().waitForView((v) => v.type === 'modal')).toMatchObject({ callback_id: 'edit' });
  });

  test.each([
    [
      'a title over 24 characters',
      modal({ title: { type: 'plain_text', text: 'x'.repeat(25) } }),
      '/view/title/text',
    ],
    ['no title', modal({ title: undefined }), '/view/title'],
    ['a mrkdwn title', modal({ title: { type: 'mrkdwn', text: 'Hi' } }), '/view/title'],
    [
      'a submit over 24 characters',
      modal({ submit: { type: 'plain_text', text: 'y'.repeat(25) } }),
      '/view/submit/text',
    ],
    [
      'a close over 24 characters',
      modal({ close: { type: 'plain_text', text: 'y'.repeat(25) } }),
      '/view/close/text',
    ],
    ['inputs without submit', modal({ submit: undefined }), '/view/submit'],
    [
      'more than 100 blocks',
      modal({ blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) }),
      '/view/blocks',
    ],
    ['private_metadata over 3000', modal({ private_metadata: 'p'.repeat(3001) }), '/view/private_metadata'],
    ['callback_id over 255', modal({ callback_id: 'c'.repeat(256) }), '/view/callback_id'],
    ['a wrong type', modal({ type: 'message' }), '/view/type'],
    [
      'a duplicated block_id',
      modal({
        blocks: [
          { type: 'divider', block_id: 'a' },
          { type: 'divider', block_id: 'a' },
        ],
      }),
      '/view/blocks/1/block_id',
    ],
    [
      'an initial_value longer than max_length',
      modal({
        blocks: [
          {
            type: 'input',
            block_id: 'b',
            label: { type: 'plain_text', text: 'Body' },
            element: { type: 'plain_text_input', action_id: 'v', max_length: 5, initial_value: 'too long' },
          },
        ],
      }),
      '/view/blocks/0/element/initial_value',
    ],
    [
      'a max_length over 3000',
      modal({
        blocks: [
          {
            type: 'input',
            block_id: 'b',
            label: { type: 'plain_text', text: 'Body' },
            element: { type: 'plain_text_input', action_id: 'v', max_length: 3001 },
          },
        ],
      }),
      '/view/blocks/0/element/max_length',
    ],
    [
      'a section text over 3000',
      modal({ blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 's'.repeat(3001) } }] }),
      '/view/blocks/0/text/text',
    ],
  ])(
    'when a modal has %s, then views.open answers invalid_arguments naming it',
    async (_name, view, pointer) => {
      const answer = await errorOf(
        client().views.open({ trigger_id: emu().issueTriggerId('U100'), view: view as never }),
      );
      expect(answer).toMatchObject({ error: 'invalid_arguments' });
      expect(
        (answer as { response_metadata: { messages: string[] } }).response_metadata.messages.join('\n'),
      ).toContain(`[json-pointer:${pointer}]`);
      expect(emu().modals('U100')).toEqual([]);
    },
  );

  test('when views are pushed past three, then the fourth answers push_limit_reached and the stack links back', async () => {
    const c = client();
    const root = (await c.views.open({ trigger_id: emu().issueTriggerId('U100'), view: modal() as never }))
      .view!;
    const second = (await c.views.push({ trigger_id: emu().issueTriggerId('U100'), view: modal() as never }))
      .view!;
    await c.views.push({ trigger_id: emu().issueTriggerId('U100'), view: modal() as never });

    expect(
      await errorOf(c.views.push({ trigger_id: emu().issueTriggerId('U100'), view: modal() as never })),
    ).toMatchObject({
      error: 'push_limit_reached',
    });
    expect(
      emu()
        .modals('U100')
        .map((v) => v.id),
    ).toHaveLength(3);
    expect(second).toMatchObject({ root_view_id: root.id, previous_view_id: root.id });
  });

  test('when views.update names a view by id or external_id, with or without the right hash, then it answers like Slack', async () => {
    const c = client();
    const opened = (
      await c.views.open({
        trigger_id: emu().issueTriggerId('U100'),
        view: modal({ external_id: 'draft-1-edit' }) as never,
      })
    ).view!;
    const byExternal = await c.views.update({
      external_id: 'draft-1-edit',
      view: modal({ title: { type: 'plain_text', text: 'Saved' } }) as never,
    });

    expect(byExternal.view).toMatchObject({ id: opened.id, title: { text: 'Saved' } });
    expect(
      await errorOf(c.views.update({ view_id: opened.id!, hash: 'stale', view: modal() as never })),
    ).toMatchObject({
      error: 'hash_conflict',
    });
    const fresh = await c.views.update({
      view_id: opened.id!,
      hash: byExternal.view!.hash!,
      view: modal() as never,
    });
    expect(fresh.view!.hash).not.toBe(byExternal.view!.hash);
    expect(await errorOf(c.views.update({ view_id: 'VNOPE', view: modal() as never }))).toMatchObject({
      error: 'not_found',
    });
  });

  test('when an open modal is updated with the same input, then what the user typed is kept', async () => {
    const c = client();
    const { view } = await c.views.open({ trigger_id: emu().issueTriggerId('U100'), view: modal() as never });
    await startBolt((app) =>
      app.view('edit', async ({ ack }) => ack({ response_action: 'errors', errors: { subject: 'No' } })),
    );
    await emu().submitView({ userId: 'U100', values: { subject: { value: 'typed' } } });

    const updated = await c.views.update({ view_id: view!.id!, view: modal() as never });

    expect(updated.view!.state).toEqual({
      values: { subject: { value: { type: 'plain_text_input', value: 'typed' } } },
    });
  });

  test('when views.publish sets a Home view, then homeView shows it, a stale hash conflicts and unknown users fail', async () => {
    const c = client();
    const first = await c.views.publish({ user_id: 'U100', view: home() as never });
    const second = await c.views.publish({
      user_id: 'U100',
      hash: first.view!.hash!,
      view: home('Updated') as never,
    });

    expect(second.view).toMatchObject({ id: first.view!.id, type: 'home', root_view_id: null });
    expect(emu().homeView('U100')?.blocks[0]).toMatchObject({ text: { text: 'Updated' } });
    expect(
      await errorOf(c.views.publish({ user_id: 'U100', hash: first.view!.hash!, view: home() as never })),
    ).toMatchObject({
      error: 'hash_conflict',
    });
    expect(await errorOf(c.views.publish({ user_id: 'U404', view: home() as never }))).toMatchObject({
      error: 'user_not_found',
    });
    expect(await errorOf(c.views.publish({ user_id: 'U100', view: modal() as never }))).toMatchObject({
      error: 'invalid_arguments',
    });
  });

  test('when users.info is asked, then it reports the time zone with its label and current offset', async () => {
    emu().addUser({ id: 'U200', name: 'bo', tz: 'Europe/Paris' });
    const { user: paris } = await client().users.info({ user: 'U200' });
    const { user: fallback } = await client().users.info({ user: 'U100' });

    expect(paris).toMatchObject({ tz: 'Europe/Paris', tz_label: expect.stringMatching(/Central European/) });
    expect([3600, 7200]).toContain(paris!.tz_offset);
    expect(fallback).toMatchObject({ tz: 'America/Los_Angeles', tz_label: expect.stringMatching(/Pacific/) });
    expect([-28800, -25200]).toContain(fallback!.tz_offset);
  });
});
