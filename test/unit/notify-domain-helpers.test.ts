import { mapBounded } from '../../src/modules/notify/domain/bounded';
import { claimedPart } from '../../src/modules/notify/domain/claims';
import { newMailEvent } from '../../src/modules/notify/domain/agent-event';
import type { Announcement, MailHeaders } from '../../src/modules/notify/domain/types';
import { NOW, mailboxRow } from '../helpers/notify-fakes';

const mail = (id: string): MailHeaders => ({
  id,
  threadId: `t-${id}`,
  labelIds: ['INBOX'],
  from: 'Grace <grace@example.org>',
  subject: `subject ${id}`,
  receivedAt: NOW,
});

describe('bounded mapping', () => {
  it('when mapping many items, then at most `limit` calls run at once and the results keep input order', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapBounded([5, 1, 4, 2, 3], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });

  it('when there is nothing to map, or the limit is below one, then it still completes', async () => {
    await expect(mapBounded([], 3, async (n: number) => n)).resolves.toEqual([]);
    await expect(mapBounded([1, 2], 0, async (n) => n + 1)).resolves.toEqual([2, 3]);
  });
});

describe('the part of an announcement a sync claimed', () => {
  it('when a single message is claimed, then it is announced as it is; when not, nothing is', () => {
    const single: Announcement = { kind: 'single', mail: mail('a') };
    expect(claimedPart(single, new Set(['a']))).toBe(single);
    expect(claimedPart(single, new Set())).toBeUndefined();
  });

  it('when only some messages of a digest are claimed, then the digest shrinks to them (one becomes a single post)', () => {
    const digest: Announcement = { kind: 'digest', mails: [mail('a'), mail('b'), mail('c')] };
    expect(claimedPart(digest, new Set(['a', 'b', 'c']))).toBe(digest);
    expect(claimedPart(digest, new Set(['a', 'c']))).toEqual({
      kind: 'digest',
      mails: [mail('a'), mail('c')],
    });
    expect(claimedPart(digest, new Set(['b']))).toEqual({ kind: 'single', mail: mail('b') });
    expect(claimedPart(digest, new Set(['z']))).toBeUndefined();
  });
});

describe('the new-mail event for the assistant', () => {
  it('when a message is announced, then the event carries ids and headers only, with an id stable per message', () => {
    const event = newMailEvent(mailboxRow(), mail('a'), NOW);
    expect(event).toEqual({
      type: 'gmail.message.received',
      id: 'mb-1:a',
      sent_at: NOW.toISOString(),
      team_id: 'T1',
      user_id: 'U1',
      gmail_message_id: 'a',
      gmail_thread_id: 't-a',
      from: 'Grace <grace@example.org>',
      subject: 'subject a',
      received_at: NOW.toISOString(),
    });
  });
});
