import { createHmac, timingSafeEqual } from 'node:crypto';
import { AGENT_SIGNATURE_HEADER, createAgentEvents } from '../../src/shared/agent-events';
import {
  OUTCOME_EVENT_TYPES,
  createOutcomeDelivery,
  outcomeEventBody,
  outcomeEventId,
  type OutcomeFacts,
  type OutcomeOutbox,
} from '../../src/modules/send/domain/outcome-event';
import { FINAL_STATUSES } from '../../src/modules/send/domain/types';

const DRAFT = '6f1c2a36-0d1e-4c7b-9a55-0e4bb0d7a001';

const facts = (over: Partial<OutcomeFacts> = {}): OutcomeFacts => ({
  id: outcomeEventId(DRAFT, 'sent'),
  type: 'email.sent',
  createdAt: new Date('2026-11-27T17:00:00.000Z'),
  draftId: DRAFT,
  triggerTs: '1764262800.000100',
  teamId: 'T1',
  userId: 'U1',
  recipientCount: 3,
  gmailMessageId: 'gm-1',
  gmailThreadId: 'th-1',
  ...over,
});

/** The receiver's check as the README shows it: HMAC-SHA256 of `<t>.<raw body>`, constant-time, fresh. */
function verify(secret: string, raw: string, header: string, nowSeconds: number): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  const [, t, v1] = match;
  const expected = createHmac('sha256', secret).update(`${t}.${raw}`).digest();
  const fresh = Math.abs(nowSeconds - Number(t)) <= 300;
  return fresh && timingSafeEqual(Buffer.from(v1!, 'hex'), expected);
}

describe('outcome events', () => {
  it('when a draft reaches each final status, then its event has its own type and a stable id', () => {
    const ids = FINAL_STATUSES.map((s) => outcomeEventId(DRAFT, s));
    expect(new Set(ids).size).toBe(FINAL_STATUSES.length);
    expect(outcomeEventId(DRAFT, 'outcome_unknown')).toBe(`${DRAFT}:outcome_unknown`);
    expect(OUTCOME_EVENT_TYPES).toEqual({
      sent: 'email.sent',
      failed: 'email.failed',
      cancelled: 'email.cancelled',
      expired: 'email.expired',
      outcome_unknown: 'email.outcome_unknown',
    });
  });

  it('when the body is built, then it carries exactly the ids, the count and the time — no content field', () => {
    const body = outcomeEventBody(facts());
    expect(body).toEqual({
      id: `${DRAFT}:sent`,
      type: 'email.sent',
      created_at: '2026-11-27T17:00:00.000Z',
      draft_id: DRAFT,
      trigger_message_ts: '1764262800.000100',
      team_id: 'T1',
      user_id: 'U1',
      recipient_count: 3,
      gmail_message_id: 'gm-1',
      gmail_thread_id: 'th-1',
    });
    const unknown = outcomeEventBody(
      facts({ type: 'email.cancelled', gmailMessageId: null, gmailThreadId: null }),
    );
    expect(unknown).toMatchObject({ gmail_message_id: null, gmail_thread_id: null });
  });

  it('when facts come with content by mistake, then none of it reaches the body', () => {
    const leaky = { ...facts(), subject: 'Secret', to: ['bob@example.com'], body: 'hello' } as OutcomeFacts;
    const raw = JSON.stringify(outcomeEventBody(leaky));
    expect(raw).not.toMatch(/Secret|bob@example\.com|hello|subject|"to"|"body"/);
  });

  it('when an event is posted, then the signature verifies with the shared secret and fails with another', async () => {
    const fetch = jest.fn(
      async (_url: string | URL | Request, _init?: RequestInit) => new Response(null, { status: 204 }),
    );
    const post = createAgentEvents({
      url: 'http://127.0.0.1:1/e',
      secret: 's3cret',
      timeoutMs: 1000,
      attempts: 1,
      fetch,
    });
    await post(outcomeEventBody(facts()));
    const init = fetch.mock.calls[0]![1]!;
    const raw = init.body as string;
    const header = (init.headers as Record<string, string>)[AGENT_SIGNATURE_HEADER]!;
    const now = Math.floor(Date.now() / 1000);
    expect(verify('s3cret', raw, header, now)).toBe(true);
    expect(verify('other', raw, header, now)).toBe(false);
    expect(verify('s3cret', raw.replace('"recipient_count":3', '"recipient_count":4'), header, now)).toBe(
      false,
    );
    expect(verify('s3cret', raw, header, now + 3600)).toBe(false);
  });

  describe('delivery', () => {
    function outbox(rows: OutcomeFacts[]): OutcomeOutbox & { rows: OutcomeFacts[] } {
      return {
        rows,
        find: async (id) => rows.find((r) => r.id === id),
        remove: async (id) =>
          void rows.splice(
            rows.findIndex((r) => r.id === id),
            1,
          ),
        listUndelivered: async (take) => rows.slice(0, take).map((r) => r.id),
        dropOlderThan: async (cutoff) => {
          const old = rows.filter((r) => r.createdAt < cutoff);
          for (const r of old) rows.splice(rows.indexOf(r), 1);
          return old.length;
        },
      };
    }
    const clock = { now: () => new Date('2026-11-27T18:00:00.000Z') };

    it('when the sink fails, then the event stays in the outbox for the next try; once taken it is removed', async () => {
      const box = outbox([facts()]);
      const post = jest.fn().mockRejectedValueOnce(new Error('503')).mockResolvedValue(undefined);
      const d = createOutcomeDelivery({ outbox: box, post, requeue: jest.fn(), clock, maxAgeMs: 3_600_000 });
      await expect(d.deliver(`${DRAFT}:sent`)).rejects.toThrow('503');
      expect(box.rows).toHaveLength(1);
      await expect(d.deliver(`${DRAFT}:sent`)).resolves.toBe('delivered');
      expect(box.rows).toHaveLength(0);
      await expect(d.deliver(`${DRAFT}:sent`)).resolves.toBe('gone');
      expect(post).toHaveBeenCalledTimes(2);
    });

    it('when the sweep runs, then every undelivered event is queued again and those past the window are dropped', async () => {
      const old = facts({ id: `${DRAFT}:failed`, createdAt: new Date('2026-11-20T00:00:00.000Z') });
      const box = outbox([old, facts()]);
      const requeue = jest.fn(async () => undefined);
      const d = createOutcomeDelivery({
        outbox: box,
        post: jest.fn(),
        requeue,
        clock,
        maxAgeMs: 3 * 86_400_000,
      });
      await expect(d.sweep()).resolves.toEqual({ requeued: 1, dropped: 1 });
      expect(requeue.mock.calls).toEqual([[`${DRAFT}:sent`]]);
    });
  });
});
