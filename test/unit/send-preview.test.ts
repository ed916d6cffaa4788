import { parseMailbox } from '../../src/modules/send/domain/addresses';
import { validateDraft } from '../../src/modules/send/domain/validate-draft';
import { REVIEW_BODY_CHARS, needsReview } from '../../src/modules/send/domain/body-view';
import type { DraftContent, Mailbox, Outcome } from '../../src/modules/send/domain/types';
import type { SlackMessage } from '../../src/shared/slack-messenger';
import { codeMrkdwn, escapeMrkdwn } from '../../src/shared/mrkdwn';
import { outcomeMessage, previewMessage } from '../../src/modules/send/blocks';
import { noticeText } from '../../src/modules/send/click-replies';
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
    // Every recipient exactly, each name and the subject whole: nothing the email carries is left out.
    const texts = textObjects(message.blocks);
    expect(texts.join('\n')).not.toMatch(/and \d+ more|shortened/);
    for (const m of [...content.to, ...content.cc, ...content.bcc]) {
      expect(texts.some((t) => t.includes(`${codeMrkdwn(m.address)} (${escapeMrkdwn(m.name!)})`))).toBe(true);
    }
    expect(texts).toContain(content.subject);
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
    // The subject is a plain-text section of its own: shown exactly, nothing in it can format or mention.
    expect(message.blocks).toContainEqual({
      type: 'section',
      text: { type: 'plain_text', text: '*urgent* <@U123> `pay` ~now~ _please_ &amp;', emoji: false },
    });
    expect(message.text).not.toMatch(/<[@!]|\*urgent\*/);
  });

  it('when 50 addresses of 254 characters (names filling the mailbox limit) fill a short email, then the preview lists each and keeps Send', () => {
    const domain = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(57)}.com`;
    const all = Array.from(
      { length: 50 },
      (_, i) => `"${'&'.repeat(59)}${i % 10}" <${String(i).padStart(2, '0')}${'x'.repeat(62)}@${domain}>`,
    );
    const valid = validateDraft({
      to: all.slice(0, 20),
      cc: all.slice(20, 35),
      bcc: all.slice(35),
      subject: 'Hi',
      body: 'Hi',
    });
    expect(valid.to[0]!.address).toHaveLength(254);
    const content = { from: 'ada@example.com', ...valid };
    const message = preview(content);
    expectWithinSlackLimits(message);
    const texts = textObjects(message.blocks);
    for (const m of [...valid.to, ...valid.cc, ...valid.bcc]) {
      expect(texts.some((t) => t.includes(`${codeMrkdwn(m.address)} (${escapeMrkdwn(m.name!)})`))).toBe(true);
    }
    expect(JSON.stringify(message.blocks)).toContain('"action_id":"send_email_send"');
    expect(needsReview('send', content, (c) => c)).toBe(false);
  });

  it('when an attacker hides among 45 Bcc addresses, then the preview with Send shows the attacker', () => {
    const bcc = [
      ...Array.from({ length: 45 }, (_, i) => `colleague.number.${i}@example.com`),
      'attacker@evil.example',
    ];
    const content = {
      from: 'ada@example.com',
      ...validateDraft({ to: ['bob@example.com'], cc: [], bcc, subject: 'Hi', body: 'Hi' }),
    };
    const message = preview(content);
    const shown = textObjects(message.blocks).join('\n');
    for (const address of bcc) expect(shown).toContain(codeMrkdwn(address));
    expect(shown).not.toMatch(/and \d+ more/);
    expect(JSON.stringify(message.blocks)).toContain('"action_id":"send_email_send"');
  });

  it.each([
    [
      'a display name longer than the preview shows',
      { to: [{ address: 'bob@example.com', name: 'n'.repeat(201) }] },
    ],
    ['a subject longer than the preview shows', { subject: 's'.repeat(999) }],
    [
      'more recipients than the preview lists',
      { cc: Array.from({ length: 50 }, (_, i) => ({ address: `c${i}@example.com` })) },
    ],
    ['a body longer than the preview shows', { body: 'x'.repeat(5001) }],
  ])(
    'when a stored email has %s, then its Send button is refused (only the modal sends it) and the preview offers View',
    (_, over) => {
      const content: DraftContent = {
        from: 'ada@example.com',
        to: [{ address: 'bob@example.com' }],
        cc: [],
        bcc: [],
        subject: 'Hi',
        body: 'Hi',
        ...over,
      };
      expect(needsReview('send', content, (c) => c)).toBe(true);
      expect(needsReview('review_send', content, (c) => c)).toBe(false);
      const actions = JSON.stringify(preview(content).blocks);
      expect(actions).not.toContain('"action_id":"send_email_send"');
      expect(actions).toContain('"action_id":"send_email_view_full"');
    },
  );

  it('when escaped text is cut, then it never ends inside an entity or a character', () => {
    expect(escapeMrkdwn('&&&', 12)).toBe('&amp;&amp;…');
    expect(escapeMrkdwn('🎉🎉🎉', 5)).toBe('🎉🎉…');
    expect(escapeMrkdwn('short', 5)).toBe('short');
  });
});

describe('limit notices', () => {
  it('when a limit is one email or one minute, then the words are singular', () => {
    const limits = { hourly: 1, daily: 1 };
    expect(noticeText({ reason: 'rate_limited', scope: 'user_hour', retryAfterMs: 30_000 }, limits)).toBe(
      'You reached your limit of 1 email per hour. Nothing was sent; click Send again in about 1 minute.',
    );
    expect(
      noticeText(
        { reason: 'rate_limited', scope: 'user_day', retryAfterMs: 120_000 },
        { hourly: 5, daily: 5 },
      ),
    ).toContain('limit of 5 emails per day. Nothing was sent; click Send again in about 2 minutes.');
  });
});
