import { parseMailbox } from '../../src/modules/send/domain/addresses';
import { validateDraft } from '../../src/modules/send/domain/validate-draft';
import { REVIEW_BODY_CHARS } from '../../src/modules/send/domain/body-view';
import type { DraftContent, Mailbox, Outcome } from '../../src/modules/send/domain/types';
import type { SlackMessage } from '../../src/shared/slack-messenger';
import { escapeMrkdwn } from '../../src/shared/mrkdwn';
import { outcomeMessage, previewMessage } from '../../src/modules/send/blocks';
import { blocksError } from '@mailbridge/slack-emulator';

/** Every text object in the blocks (section text and fields, context elements, button labels). */
function textObjects(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(textObjects);
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  const own =
    (record.type === 'mrkdwn' || record.type === 'plain_text') && typeof record.text === 'string'
      ? [record.text]
      : [];
  return [...own, ...Object.values(record).flatMap(textObjects)];
}

function expectWithinSlackLimits(m: SlackMessage) {
  expect(m.text.length).toBeLessThanOrEqual(4000);
  for (const text of textObjects(m.blocks)) expect(text.length).toBeLessThanOrEqual(3000);
  expect(blocksError(m.blocks)).toBeUndefined();
}

const preview = (content: DraftContent) =>
  previewMessage({ content, expiresAt: new Date('2026-12-01T10:00:00Z'), sendValue: 's', cancelValue: 'c' });

/**
 * The largest draft validation lets through: 50 recipients of 251 characters whose display names
 * fill the 320-character mailbox limit, a 998-character subject.
 */
function largestDraft(): DraftContent {
  const domain = `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.com`;
  const mailbox = (i: number) =>
    `"${'&*_'.repeat(21)}&" <${String(i).padStart(2, '0')}${'&'.repeat(62)}@${domain}>`;
  const all = Array.from({ length: 50 }, (_, i) => mailbox(i));
  const valid = validateDraft({
    to: all.slice(0, 20),
    cc: all.slice(20, 35),
    bcc: all.slice(35),
    subject: '&'.repeat(998),
    body: 'x'.repeat(REVIEW_BODY_CHARS),
  });
  return { from: `${'f'.repeat(64)}@${domain}`, ...valid };
}

describe('Slack preview and outcome messages', () => {
  it('when the draft is as large as validation allows, then every text stays within Slack limits', () => {
    const content = largestDraft();
    const message = preview(content);
    expectWithinSlackLimits(message);
    const shown = JSON.stringify(message.blocks);
    expect(shown).toMatch(/and \d+ more/);
    expect(shown).toContain('shortened here');
    const outcomes: Outcome[] = [
      { kind: 'sending' },
      { kind: 'sent' },
      { kind: 'cancelled', reason: 'x'.repeat(3000) },
      { kind: 'expired' },
      { kind: 'failed', reason: '<'.repeat(3000) },
      { kind: 'outcome_unknown', reason: 'r' },
    ];
    for (const outcome of outcomes) expectWithinSlackLimits(outcomeMessage(outcome, content));
  });

  it('when names and subject carry mrkdwn, then nothing formats, mentions or links and the real address leads', () => {
    const zoe = parseMailbox(
      '"*Boss* <!channel> _CEO_ ~x~ `y` & <http://evil|bank>" <zoe_1@example.com>',
    ) as Mailbox;
    const message = preview({
      from: 'ada@example.com',
      to: [zoe],
      cc: [],
      bcc: [],
      subject: '*urgent* <@U123> `pay` ~now~ _please_ &amp;',
      body: 'Hi',
    });
    const header = textObjects(message.blocks).find((t) => t.startsWith('*From:*'))!;
    // Outside our labels and the code spans holding addresses, no formatting character is left.
    const userText = header.replace(/\*(From|To|Subject):\*/g, '').replace(/`[^`<>&]*`/g, '');
    expect(userText).not.toMatch(/[*_~`<>]/);
    expect(header).toContain('*To:* `zoe_1@example.com` (∗Boss∗ &lt;!channel&gt; ˍCEOˍ ∼x∼ ˋyˋ &amp; ');
    expect(header).toContain('*Subject:* ∗urgent∗ &lt;@U123&gt; ˋpayˋ ∼now∼ ˍpleaseˍ &amp;amp;');
    expect(message.text).not.toMatch(/<[@!]|\*urgent\*/);
  });

  it('when escaped text is cut, then it never ends inside an entity or a character', () => {
    expect(escapeMrkdwn('&&&', 12)).toBe('&amp;&amp;…');
    expect(escapeMrkdwn('🎉🎉🎉', 5)).toBe('🎉🎉…');
    expect(escapeMrkdwn('short', 5)).toBe('short');
  });
});
