import {
  gmailIdsOf,
  isCandidate,
  planAnnouncements,
  senderAddress,
  shouldAnnounce,
} from '../../src/modules/notify/domain/mail-filter';
import { parseHistoryId } from '../../src/modules/notify/domain/history-id';
import { digestMessage, gmailLink, newMailMessage } from '../../src/modules/notify/blocks';
import type { MailHeaders } from '../../src/modules/notify/domain/types';

const mail = (over: Partial<MailHeaders> = {}): MailHeaders => ({
  id: '18c0ffee',
  threadId: '18c0ffee',
  labelIds: ['INBOX', 'UNREAD', 'CATEGORY_PERSONAL'],
  from: 'Bob <bob@example.org>',
  subject: 'Hello',
  receivedAt: new Date('2026-11-20T10:00:00Z'),
  ...over,
});

describe('which messages are announced', () => {
  it.each([
    [['INBOX'], true],
    [['INBOX', 'CATEGORY_PERSONAL', 'IMPORTANT'], true],
    [['CATEGORY_PERSONAL'], false],
    [['INBOX', 'SENT'], false],
    [['INBOX', 'DRAFT'], false],
    [['INBOX', 'SPAM'], false],
    [['INBOX', 'CATEGORY_PROMOTIONS'], false],
    [['INBOX', 'CATEGORY_SOCIAL'], false],
    [['INBOX', 'CATEGORY_UPDATES'], false],
    [['INBOX', 'CATEGORY_FORUMS'], false],
  ])('labels %j → candidate %s', (labels, expected) => {
    expect(isCandidate(labels)).toBe(expected);
  });

  it('reads the address out of From headers, whatever the display name holds', () => {
    expect(senderAddress('"Ada, L." <Ada@Example.com>')).toBe('ada@example.com');
    expect(senderAddress('ada@example.com')).toBe('ada@example.com');
    expect(senderAddress('"me@example.com" <real@example.org>')).toBe('real@example.org');
    expect(senderAddress('undisclosed')).toBe('');
  });

  it('when the owner wrote the message, then it is not announced', () => {
    expect(shouldAnnounce(mail({ from: 'Me <ME@example.com>' }), 'me@example.com')).toBe(false);
    expect(shouldAnnounce(mail(), 'me@example.com')).toBe(true);
  });

  it('when there are more messages than the threshold, then one digest replaces the single posts', () => {
    const five = Array.from({ length: 5 }, (_, i) => mail({ id: `a${i}` }));
    expect(planAnnouncements(five, 5).map((a) => a.kind)).toEqual([
      'single',
      'single',
      'single',
      'single',
      'single',
    ]);
    const six = [...five, mail({ id: 'a5' })];
    expect(planAnnouncements(six, 5)).toEqual([{ kind: 'digest', mails: six }]);
    expect(planAnnouncements([], 5)).toEqual([]);
  });

  it('when a burst is larger than one digest holds, then it becomes several digests of even size covering all', () => {
    const burst = Array.from({ length: 250 }, (_, i) => mail({ id: `b${i}` }));
    const plan = planAnnouncements(burst, 5);
    expect(plan.map((a) => (a.kind === 'digest' ? a.mails.length : 0))).toEqual([84, 84, 82]);
    expect(plan.flatMap(gmailIdsOf)).toEqual(burst.map((m) => m.id));
  });
});

describe('history ids', () => {
  it('compares as numbers, not strings, and keeps 64-bit precision', () => {
    expect(parseHistoryId('1000001')! > parseHistoryId('999999')!).toBe(true);
    expect(parseHistoryId(999999)).toBe(999999n);
    expect(parseHistoryId('18446744073709551615')).toBe(18446744073709551615n);
    expect(parseHistoryId(2 ** 53)).toBeUndefined();
    expect(parseHistoryId('1e6')).toBeUndefined();
  });
});

describe('notification messages', () => {
  it('escapes what strangers wrote and links to the right account in Gmail', () => {
    const m = newMailMessage('me@example.com', mail({ from: '<!channel> <x@y.z>', subject: 'a & <b>' }));
    const blocks = JSON.stringify(m.blocks);
    expect(blocks).toContain('&lt;!channel&gt; &lt;x@y.z&gt;');
    expect(blocks).toContain('a &amp; &lt;b&gt;');
    expect(blocks).not.toContain('<!channel>');
    expect(m.text).toContain(gmailLink('me@example.com', '18c0ffee'));
    expect(gmailLink('me@example.com', '18c0ffee')).toBe(
      'https://mail.google.com/mail/u/0/?authuser=me%40example.com#inbox/18c0ffee',
    );
  });

  it('shows the newest ten of a large digest and counts the rest', () => {
    const mails = Array.from({ length: 12 }, (_, i) => mail({ id: `b${i}`, subject: `s${i}` }));
    const d = digestMessage('me@example.com', mails);
    expect(d.text).toMatch(/^12 new emails/);
    expect(JSON.stringify(d.blocks)).toContain('… and 2 more');
    expect(JSON.stringify(d.blocks)).not.toContain('#inbox/b1|');
    expect(JSON.stringify(d.blocks)).toContain('#inbox/b11|');
  });
});
