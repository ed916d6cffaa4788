import { optionLabels, plain, renderBlocks, slackDate, type Control } from '../../scripts/dev/render';

function render(blocks: unknown[], timeZone?: string): { lines: string[]; controls: Control[] } {
  const controls: Control[] = [];
  const lines = renderBlocks(
    blocks,
    (c) => {
      controls.push({ ...c, n: controls.length + 1 });
      return controls.length;
    },
    { timeZone },
  );
  return { lines, controls };
}

describe('dev console rendering of Block Kit', () => {
  test('when mrkdwn has marks, links, dates, mentions and entities, then it reads as plain text', () => {
    expect(
      plain('*Sent* to <mailto:a@b.c|Ann> _now_ `x` &lt;b&gt; &amp; <@U1> <!date^1^{time}|19:59 UTC>'),
    ).toBe('Sent to <mailto:a@b.c|Ann> now x <b> & @U1 19:59 UTC');
    expect(plain('see <https://example.com|the page> and <https://x.test>')).toBe(
      'see the page (https://example.com) and https://x.test',
    );
    expect(plain('snake_case_name stays')).toBe('snake_case_name stays');
  });

  test('when a message has a header, section with fields and accessory, context, divider and actions, then every part shows and buttons are numbered in order', () => {
    const { lines, controls } = render([
      { type: 'header', text: { type: 'plain_text', text: 'New email' } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: '*To:* bob@example.com' },
        fields: [{ type: 'mrkdwn', text: '*Cc*' }],
        accessory: {
          type: 'button',
          action_id: 'open',
          text: { type: 'plain_text', text: 'Open' },
          value: 'o',
        },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'expires soon' }] },
      { type: 'divider' },
      {
        type: 'actions',
        block_id: 'b',
        elements: [
          {
            type: 'button',
            action_id: 'send',
            style: 'primary',
            text: { type: 'plain_text', text: 'Send' },
            value: 'd1',
          },
          {
            type: 'static_select',
            action_id: 'pick',
            placeholder: { type: 'plain_text', text: 'When' },
            options: [{ text: { type: 'plain_text', text: 'Now' }, value: 'now' }],
          },
        ],
      },
    ]);

    expect(lines).toEqual([
      '  NEW EMAIL',
      '  =========',
      '  To: bob@example.com',
      '    Cc',
      '    [1] Open',
      '  (expires soon)',
      `  ${'-'.repeat(40)}`,
      '  [2] Send *  [3] <When: Now>',
    ]);
    expect(controls.map((c) => [c.n, c.kind, c.actionId, c.value, c.blockId])).toEqual([
      [1, 'button', 'open', 'o', undefined],
      [2, 'button', 'send', 'd1', 'b'],
      [3, 'select', 'pick', undefined, 'b'],
    ]);
    expect(controls[2]?.options).toEqual([['Now', 'now']]);
  });

  test('when a modal has inputs, then each is numbered with its label, optional mark and hint', () => {
    const { lines, controls } = render([
      {
        type: 'input',
        block_id: 'subject',
        optional: true,
        label: { type: 'plain_text', text: 'Subject' },
        hint: { type: 'plain_text', text: 'Short' },
        element: { type: 'plain_text_input', action_id: 'value' },
      },
    ]);

    expect(lines).toEqual(['  {1} Subject (optional)', '      (Short)']);
    expect(controls[0]).toMatchObject({ kind: 'input', blockId: 'subject', actionId: 'value' });
  });
  test('when a section, field, context or label is plain_text, then its text shows exactly as written', () => {
    const literal = '_a_ *b* <@U1> &lt; <!date^1^{time}|x>';
    const { lines, controls } = render([
      { type: 'section', text: { type: 'plain_text', text: literal } },
      { type: 'section', fields: [{ type: 'plain_text', text: literal }] },
      { type: 'context', elements: [{ type: 'plain_text', text: literal }] },
      {
        type: 'actions',
        elements: [{ type: 'button', action_id: 'b', text: { type: 'plain_text', text: '*Send*' } }],
      },
      { type: 'section', text: { type: 'mrkdwn', text: '_a_ *b* <@U1> &lt;' } },
    ]);

    expect(lines).toEqual([
      `  ${literal}`,
      `    ${literal}`,
      `  (${literal})`,
      '  [1] *Send*',
      '  a b @U1 <',
    ]);
    expect(controls[0]?.label).toBe('*Send*');
  });

  test("when mrkdwn has <!date^…> tokens, then they show in the reader's time zone, and an unknown token or zone shows the fallback", () => {
    const at = Date.UTC(2026, 10, 27, 20, 30, 5) / 1000; // Friday 2026-11-27 20:30:05 UTC
    const now = new Date(at * 1000 + 3 * 60_000);
    const la = { timeZone: 'America/Los_Angeles', now };
    const tokyo = { timeZone: 'Asia/Tokyo', now };

    expect(slackDate(at, '{date_num} {time}', 'fb', la)).toBe('2026-11-27 12:30 PM');
    expect(slackDate(at, '{date_num} {time_secs}', 'fb', tokyo)).toBe('2026-11-28 5:30:05 AM');
    expect(slackDate(at, '{date}', 'fb', la)).toBe('November 27th, 2026');
    expect(slackDate(at, '{date_short}', 'fb', la)).toBe('Nov 27, 2026');
    expect(slackDate(at, '{date_long}', 'fb', tokyo)).toBe('Saturday, November 28th, 2026');
    expect(slackDate(at, '{date_pretty} at {time}', 'fb', la)).toBe('today at 12:30 PM');
    expect(slackDate(at - 86_400, '{date_short_pretty}', 'fb', la)).toBe('yesterday');
    expect(slackDate(at - 3 * 86_400, '{date_short_pretty}', 'fb', la)).toBe('Nov 24, 2026');
    expect(slackDate(at, '{ago}', 'fb', la)).toBe('3 minutes ago');
    expect(slackDate(at, '{nonsense}', 'fb', la)).toBe('fb');
    expect(slackDate(at, '{time}', 'fb', { timeZone: 'Not/AZone' })).toBe('fb');
    expect(slackDate(at, '{time}', 'fb', {})).toBe('fb');
    expect(
      plain(`Connected since <!date^${at}^{date_short} {time}^https://x.test|2026-11-27 20:30 UTC>`, la),
    ).toBe('Connected since Nov 27, 2026 12:30 PM');
    expect(
      render(
        [{ type: 'context', elements: [{ type: 'mrkdwn', text: `<!date^${at}^{time}|x>` }] }],
        'Asia/Tokyo',
      ).lines,
    ).toEqual(['  (5:30 AM)']);
  });

  test('when a select or checkbox input holds values, then its labels are shown, a value without an option as is', () => {
    const options: [string, string][] = [
      ['Promotions', 'CATEGORY_PROMOTIONS'],
      ['Social', 'CATEGORY_SOCIAL'],
    ];
    expect(optionLabels(options, ['CATEGORY_SOCIAL', 'CATEGORY_PROMOTIONS'])).toEqual([
      'Social',
      'Promotions',
    ]);
    expect(optionLabels(options, ['U123'])).toEqual(['U123']);
    expect(optionLabels(undefined, ['typed text'])).toEqual(['typed text']);
  });
});
