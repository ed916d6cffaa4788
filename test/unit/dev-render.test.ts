import { plain, renderBlocks, type Control } from '../../scripts/dev/render';

function render(blocks: unknown[]): { lines: string[]; controls: Control[] } {
  const controls: Control[] = [];
  const lines = renderBlocks(blocks, (c) => {
    controls.push({ ...c, n: controls.length + 1 });
    return controls.length;
  });
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
});
