import {
  deliveryDue,
  inQuietHours,
  localTime,
  nextDigestAt,
  quietEndAfter,
  zonedInstant,
} from '../../src/modules/notify/domain/quiet-hours';
import {
  announcedUnder,
  DEFAULT_RULES,
  MAX_SENDERS_CHARS,
  parseRules,
  senderAllowed,
  type NotificationRules,
} from '../../src/modules/notify/domain/rules';

const at = (iso: string) => new Date(iso);
const mail = (from: string, labelIds = ['INBOX']) => ({
  id: 'm1',
  threadId: 't1',
  from,
  subject: 's',
  labelIds,
  receivedAt: at('2026-01-01T00:00:00Z'),
});
const input = (p: Partial<Parameters<typeof parseRules>[0]> = {}) => ({
  senders: '',
  skipCategories: [],
  quietStart: '',
  quietEnd: '',
  delivery: 'each',
  ...p,
});

describe('rule evaluation', () => {
  const vip: NotificationRules = { ...DEFAULT_RULES, senders: ['boss@example.com', 'partner.org'] };

  it('when the rules list senders, then only those addresses and domains (subdomains too) pass', () => {
    expect(senderAllowed(vip, 'Boss <BOSS@example.com>')).toBe(true);
    expect(senderAllowed(vip, 'other@example.com')).toBe(false);
    expect(senderAllowed(vip, 'a@partner.org')).toBe(true);
    expect(senderAllowed(vip, 'a@mail.partner.org')).toBe(true);
    expect(senderAllowed(vip, 'a@notpartner.org')).toBe(false);
    expect(senderAllowed(DEFAULT_RULES, 'anyone@anywhere.test')).toBe(true);
  });

  it('when categories are chosen, then only those are skipped; spam, trash, sent and drafts always are', () => {
    const promosOk = { ...DEFAULT_RULES, skipCategories: ['CATEGORY_SOCIAL'] };
    expect(announcedUnder(promosOk, mail('a@b.co', ['INBOX', 'CATEGORY_PROMOTIONS']))).toBe(true);
    expect(announcedUnder(promosOk, mail('a@b.co', ['INBOX', 'CATEGORY_SOCIAL']))).toBe(false);
    expect(announcedUnder(promosOk, mail('a@b.co', ['INBOX', 'SPAM']))).toBe(false);
    expect(announcedUnder(DEFAULT_RULES, mail('a@b.co', ['INBOX', 'CATEGORY_UPDATES']))).toBe(false);
    expect(announcedUnder(DEFAULT_RULES, mail('a@b.co', ['UNREAD']))).toBe(false);
  });

  it('when the modal is submitted, then each bad field gets its own error and good input becomes rules', () => {
    expect(parseRules(input({ senders: 'ok@example.com, not an address' }))).toEqual({
      errors: { senders: { kind: 'bad_sender', entry: 'not' } },
    });
    expect(parseRules(input({ quietStart: '25:00', quietEnd: '7' }))).toEqual({
      errors: { quiet_start: { kind: 'bad_time' }, quiet_end: { kind: 'bad_time' } },
    });
    expect(parseRules(input({ quietStart: '22:00' }))).toEqual({
      errors: { quiet_end: { kind: 'half_quiet' } },
    });
    expect(parseRules(input({ quietStart: '22:00', quietEnd: '22:00' }))).toEqual({
      errors: { quiet_end: { kind: 'empty_quiet' } },
    });
    // 50 valid entries can be longer than the modal's field: refused, so the modal can always reopen.
    const long = Array.from({ length: 50 }, (_, i) => `${'a'.repeat(60)}${i}@example.org`).join('\n');
    expect(long.length).toBeGreaterThan(MAX_SENDERS_CHARS);
    expect(parseRules(input({ senders: long }))).toEqual({
      errors: { senders: { kind: 'senders_too_long' } },
    });
    expect(parseRules(input({ delivery: 'weekly' }))).toEqual({
      errors: { delivery: { kind: 'bad_delivery' } },
    });
    expect(
      parseRules(
        input({
          senders: '@Partner.org\nBoss@Example.com boss@example.com',
          skipCategories: ['CATEGORY_FORUMS', 'NOT_A_CATEGORY'],
          quietStart: '22:00',
          quietEnd: '7:30',
          delivery: 'hourly',
        }),
      ),
    ).toEqual({
      ok: {
        senders: ['partner.org', 'boss@example.com'],
        skipCategories: ['CATEGORY_FORUMS'],
        quiet: { start: 22 * 60, end: 7 * 60 + 30 },
        delivery: 'hourly',
      },
    });
  });
});

describe('quiet hours arithmetic', () => {
  const night = { start: 22 * 60, end: 7 * 60 };

  it('when the window crosses midnight, then late evening and early morning are quiet, its end is the next morning', () => {
    const tz = 'Europe/Paris';
    expect(inQuietHours(at('2026-06-10T20:30:00Z'), night, tz)).toBe(true); // 22:30 local
    expect(inQuietHours(at('2026-06-11T04:59:00Z'), night, tz)).toBe(true); // 06:59
    expect(inQuietHours(at('2026-06-11T05:00:00Z'), night, tz)).toBe(false); // 07:00
    expect(quietEndAfter(at('2026-06-10T20:30:00Z'), night, tz)).toEqual(at('2026-06-11T05:00:00Z'));
    expect(quietEndAfter(at('2026-06-11T03:00:00Z'), night, tz)).toEqual(at('2026-06-11T05:00:00Z'));
  });

  it('when the zone is far from UTC, then the local day decides (Kiritimati +14, Pago Pago -11)', () => {
    expect(localTime(at('2026-03-01T10:00:00Z'), 'Pacific/Kiritimati')).toMatchObject({ day: 2, minutes: 0 });
    expect(inQuietHours(at('2026-03-01T10:00:00Z'), night, 'Pacific/Kiritimati')).toBe(true);
    expect(quietEndAfter(at('2026-03-01T10:00:00Z'), night, 'Pacific/Kiritimati')).toEqual(
      at('2026-03-01T17:00:00Z'),
    );
    expect(inQuietHours(at('2026-03-01T10:00:00Z'), night, 'Pacific/Pago_Pago')).toBe(true); // 23:00 the day before
    expect(quietEndAfter(at('2026-03-01T10:00:00Z'), night, 'Pacific/Pago_Pago')).toEqual(
      at('2026-03-01T18:00:00Z'),
    );
    expect(localTime(at('2026-03-01T10:00:00Z'), 'Asia/Kathmandu')).toMatchObject({ minutes: 15 * 60 + 45 });
  });

  it('when a window ends inside the spring-forward gap, then it ends when the clock jumps past it', () => {
    // New York, 2026-03-08: 02:00 EST becomes 03:00 EDT (07:00Z); 02:30 never happens.
    const tz = 'America/New_York';
    expect(zonedInstant({ year: 2026, month: 3, day: 8, minutes: 150 }, tz)).toEqual(
      at('2026-03-08T07:30:00Z'),
    );
    const q = { start: 23 * 60, end: 2 * 60 + 30 };
    expect(quietEndAfter(at('2026-03-08T05:00:00Z'), q, tz)).toEqual(at('2026-03-08T07:30:00Z'));
  });

  it('when a time happens twice at fall-back, then the first is taken, and hourly digests still move forward', () => {
    // New York, 2026-11-01: 02:00 EDT becomes 01:00 EST (06:00Z); 01:30 happens at 05:30Z and 06:30Z.
    const tz = 'America/New_York';
    expect(zonedInstant({ year: 2026, month: 11, day: 1, minutes: 90 }, tz)).toEqual(
      at('2026-11-01T05:30:00Z'),
    );
    expect(nextDigestAt(at('2026-11-01T05:10:00Z'), 'hourly', tz)).toEqual(at('2026-11-01T06:00:00Z'));
    expect(nextDigestAt(at('2026-11-01T06:10:00Z'), 'hourly', tz)).toEqual(at('2026-11-01T07:00:00Z'));
    expect(nextDigestAt(at('2026-11-01T06:10:00Z'), 'daily', tz)).toEqual(at('2026-11-01T13:00:00Z')); // 08:00 EST
  });

  it('when quiet hours end inside the repeated hour, then mail in its second pass is due the same night', () => {
    // New York, quiet 22:00–01:30; 06:15Z is 01:15 EST (the second 01:15), 05:15Z the first (EDT).
    const tz = 'America/New_York';
    const q = { start: 22 * 60, end: 90 };
    expect(quietEndAfter(at('2026-11-01T06:15:00Z'), q, tz)).toEqual(at('2026-11-01T06:30:00Z'));
    expect(deliveryDue(at('2026-11-01T06:15:00Z'), { quiet: q, delivery: 'each' }, tz)).toEqual(
      at('2026-11-01T06:30:00Z'),
    );
    expect(quietEndAfter(at('2026-11-01T05:15:00Z'), q, tz)).toEqual(at('2026-11-01T05:30:00Z'));
    // Past both 01:30s (01:40 EST): the next day's; the next night (22:00 EST) ends at 01:30 EST.
    expect(quietEndAfter(at('2026-11-01T06:40:00Z'), q, tz)).toEqual(at('2026-11-02T06:30:00Z'));
    expect(quietEndAfter(at('2026-11-02T03:00:00Z'), q, tz)).toEqual(at('2026-11-02T06:30:00Z'));
  });

  it('when digests and quiet hours combine, then the digest waits for the quiet hours to end', () => {
    const tz = 'Asia/Tokyo'; // UTC+9, no DST
    const each = { quiet: night, delivery: 'each' as const };
    expect(deliveryDue(at('2026-05-05T03:00:00Z'), each, tz)).toBeUndefined(); // 12:00
    expect(deliveryDue(at('2026-05-05T14:00:00Z'), each, tz)).toEqual(at('2026-05-05T22:00:00Z')); // 23:00 → 07:00
    const hourly = { quiet: night, delivery: 'hourly' as const };
    expect(deliveryDue(at('2026-05-05T03:20:00Z'), hourly, tz)).toEqual(at('2026-05-05T04:00:00Z'));
    expect(deliveryDue(at('2026-05-05T12:20:00Z'), hourly, tz)).toEqual(at('2026-05-05T22:00:00Z')); // 21:20 → 22:00 quiet
    const daily = { quiet: null, delivery: 'daily' as const };
    expect(deliveryDue(at('2026-05-05T03:00:00Z'), daily, tz)).toEqual(at('2026-05-05T23:00:00Z')); // next 08:00
  });
});
