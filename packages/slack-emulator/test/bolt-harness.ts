import { App, LogLevel } from '@slack/bolt';
import { startSlackEmulator, type SlackEmulator } from '../src';

/** One emulator per test plus the real Bolt apps pointed at it; stopped in afterEach. */
export function boltHarness(): {
  emu: () => SlackEmulator;
  startBolt: (setup?: (app: App) => void) => Promise<App>;
} {
  let emu: SlackEmulator;
  let apps: App[] = [];
  beforeEach(async () => {
    emu = await startSlackEmulator();
    emu.addUser({ id: 'U100', name: 'ada', realName: 'Ada Lovelace', email: 'ada@example.test' });
    apps = [];
  });
  afterEach(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await emu.waitForConnections(0);
    await emu.close();
  });
  return {
    emu: () => emu,
    async startBolt(setup = () => undefined) {
      const app = new App({
        token: emu.botToken,
        appToken: emu.appToken,
        socketMode: true,
        logLevel: LogLevel.ERROR,
        clientOptions: { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 } },
      });
      setup(app);
      apps.push(app);
      await app.start();
      return app;
    },
  };
}

/** A modal with one text input (block `subject`, action `value`) and a button (action `more`). */
export function modal(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: 'edit',
    title: { type: 'plain_text', text: 'Edit email' },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: 'draft-1',
    blocks: [
      {
        type: 'input',
        block_id: 'subject',
        label: { type: 'plain_text', text: 'Subject' },
        element: { type: 'plain_text_input', action_id: 'value', initial_value: 'Hello', max_length: 200 },
      },
      {
        type: 'actions',
        block_id: 'tools',
        elements: [
          { type: 'button', action_id: 'more', text: { type: 'plain_text', text: 'More' }, value: 'm1' },
        ],
      },
    ],
    ...extra,
  };
}

export const home = (text = 'Connected'): Record<string, unknown> => ({
  type: 'home',
  blocks: [
    { type: 'section', text: { type: 'mrkdwn', text } },
    {
      type: 'actions',
      block_id: 'home-actions',
      elements: [
        { type: 'button', action_id: 'edit_rules', text: { type: 'plain_text', text: 'Edit rules' } },
      ],
    },
  ],
});
