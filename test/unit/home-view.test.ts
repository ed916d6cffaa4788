import { homeView, HOME_BLOCK_LIMIT } from '../../src/modules/home/blocks';
import { signHomeButton, verifyHomeButton } from '../../src/modules/home/domain/home-button';
import type { HomeEmail, HomeState } from '../../src/modules/home/domain/types';

const KEY = 'k'.repeat(32);
const options = { sign: (b: Parameters<typeof signHomeButton>[1]) => signHomeButton(KEY, b) };
const base: HomeState = { teamId: 'T1', userId: 'U1', emails: [] };
const connection = {
  id: 'conn-1',
  email: 'ada@example.com',
  status: 'active' as const,
  connectedAt: new Date('2026-11-01T09:30:00Z'),
  canSend: true,
  canRead: true,
};

type Button = {
  type: string;
  action_id: string;
  value?: string;
  url?: string;
  confirm?: unknown;
  text: { text: string };
};
const buttons = (state: HomeState) =>
  homeView(state, options).blocks.flatMap((b) => {
    const block = b as { accessory?: Button; elements?: Button[] };
    return [...(block.accessory ? [block.accessory] : []), ...(block.elements ?? [])].filter(
      (e) => e.type === 'button',
    );
  });
const texts = (state: HomeState) =>
  homeView(state, options)
    .blocks.map((b) => (b as { text?: { text: string } }).text?.text ?? '')
    .join('\n');

const email = (n: number, over: Partial<HomeEmail> = {}): HomeEmail => ({
  id: `d${n}`,
  status: 'sent',
  createdAt: new Date(Date.UTC(2026, 10, 20, 10, n)),
  sentAt: new Date(Date.UTC(2026, 10, 20, 10, n, 30)),
  recipients: ['bob@example.com'],
  subject: `Subject ${n}`,
  from: 'ada@example.com',
  gmailMessageId: `m${n}`,
  ...over,
});

describe('the App Home view', () => {
  it('when the person is not connected, then it offers Connect, signed for them alone', () => {
    const [connect, ...others] = buttons(base);
    expect(others).toEqual([]);
    expect(connect).toMatchObject({ action_id: 'home_connect', text: { text: 'Connect Gmail' } });
    expect(verifyHomeButton(KEY, connect!.value!)).toEqual({ teamId: 'T1', userId: 'U1', action: 'connect' });
    expect(texts(base)).toContain('not connected');
  });

  it('when connected, then it shows the address, since when (Slack dates), permissions in words and watch health', () => {
    const state: HomeState = {
      ...base,
      connection,
      mailbox: {
        enabled: true,
        state: 'ok',
        watchExpiresAt: new Date('2026-11-28T09:00:00Z'),
        lastNotifiedAt: new Date('2026-11-27T08:00:00Z'),
      },
    };
    const text = texts(state);
    expect(text).toContain('ada@example.com');
    expect(text).toContain(`<!date^${Date.parse('2026-11-01T09:30:00Z') / 1000}^`);
    expect(text).toContain('send the emails you confirm');
    expect(text).toContain('healthy');
    expect(text).toContain(`Last notification: <!date^${Date.parse('2026-11-27T08:00:00Z') / 1000}^`);
    const [disconnect, turnOff] = buttons(state);
    expect(disconnect).toMatchObject({ action_id: 'home_disconnect', confirm: expect.any(Object) });
    expect(verifyHomeButton(KEY, disconnect!.value!)).toMatchObject({
      action: 'disconnect',
      connectionId: 'conn-1',
      connectedAt: connection.connectedAt.getTime(),
    });
    expect(verifyHomeButton(KEY, turnOff!.value!)).toMatchObject({
      action: 'notifications_off',
      connectionId: 'conn-1',
      connectedAt: connection.connectedAt.getTime(),
    });
    expect(turnOff).toMatchObject({ action_id: 'home_notifications_off', text: { text: 'Turn off' } });
  });

  it('when notifications are off or the grant lacks reading, then it offers Turn on and says what is allowed', () => {
    const state: HomeState = {
      ...base,
      connection: { ...connection, canRead: false },
    };
    expect(buttons(state)[1]).toMatchObject({
      action_id: 'home_notifications_on',
      text: { text: 'Turn on' },
    });
    expect(texts(state)).not.toContain('read the sender');
  });

  it('when emails were sent, then each shows status, recipients, subject and a Gmail link in the sending account', () => {
    const state: HomeState = {
      ...base,
      connection,
      emails: [email(1), email(2, { status: 'cancelled', gmailMessageId: null })],
    };
    const links = buttons(state).filter((b) => b.url);
    expect(links).toHaveLength(1);
    expect(links[0]!.url).toBe('https://mail.google.com/mail/u/0/?authuser=ada%40example.com#all/m1');
    expect(texts(state)).toMatch(/\*sent\* · to `?bob@example.com/);
    expect(texts(state)).toContain('*cancelled*');
  });

  it('when subjects and recipients are hostile, then nothing mentions, links or formats', () => {
    const state: HomeState = {
      ...base,
      connection,
      emails: [
        email(1, { subject: '<!channel> *urgent* <https://evil|x>\nline', recipients: ['<@U999>@x.com'] }),
      ],
    };
    const text = texts(state);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<https://evil');
    expect(text).not.toContain('<@U999>');
    expect(text).not.toContain('*urgent*');
  });

  it('when recipients hold formatting characters, then they are shown exactly, as inline code', () => {
    const state: HomeState = {
      ...base,
      connection,
      emails: [email(1, { recipients: ['first_last@corp.com', 'a*b~c@x.com', 'tick`s@x.com'] })],
    };
    const text = texts(state);
    expect(text).toContain('to `first_last@corp.com`, `a*b~c@x.com`, ');
    // A backtick cannot live inside inline code: that address gets look-alikes and cannot open a code span.
    expect(text).toContain('tick\u02cbs@x.com');
    expect(text).not.toContain('tick`s');
  });

  it('when an email was purged, then it is listed without its content', () => {
    const state: HomeState = { ...base, emails: [email(1, { recipients: undefined, subject: undefined })] };
    expect(texts(state)).toContain('content removed');
    expect(texts(state)).not.toContain('Subject 1');
  });

  it('when everything is at its largest, then the view stays within Slack limits', () => {
    const huge = 'x'.repeat(5_000);
    const state: HomeState = {
      ...base,
      connection,
      rules: Array.from({ length: 50 }, () => huge),
      emails: Array.from({ length: 200 }, (_, i) =>
        email(i, {
          subject: huge,
          recipients: Array.from({ length: 500 }, (_, j) => `r${j}@${huge.slice(0, 50)}.com`),
        }),
      ),
    };
    const view = homeView(state, {
      ...options,
      rulesButton: () => ({ action_id: 'rules_edit', value: 'v' }),
    });
    expect(view.blocks.length).toBeLessThanOrEqual(HOME_BLOCK_LIMIT);
    for (const b of view.blocks) {
      const t = (b as { text?: { text: string } }).text?.text ?? '';
      expect(t.length).toBeLessThanOrEqual(3000);
    }
    expect(buttons(state).every((b) => (b.value ?? '').length <= 2000)).toBe(true);
  });
});
