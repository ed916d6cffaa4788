import { eventually } from '../helpers/stack';
import {
  announcementsOf,
  enabledUser,
  metric,
  setAutoPush,
  settle,
  syncJobsAdded,
  useNotifyStack,
} from '../helpers/notify-harness';
import type { TokenVariant } from '@mailbridge/google-emulator';

describe('the Pub/Sub push webhook', () => {
  const ctx = useNotifyStack();

  const historyCalls = (email: string) =>
    ctx.stack.google.requests.filter((r) => r.endpoint === 'gmail.history' && r.email === email).length;

  it.each<[TokenVariant, number]>([
    ['none', 401],
    ['bad-signature', 401],
    ['alg-none', 401],
    ['expired', 401],
    ['wrong-issuer', 401],
    ['other-key', 401],
    ['wrong-audience', 403],
    ['wrong-email', 403],
    ['unverified-email', 403],
  ])(
    'when the push token is forged (%s), then it is refused with %i and nothing is queued',
    async (variant, status) => {
      const { stack, h } = ctx;
      const user = await enabledUser(stack, h, {
        userId: `UFORGE${variant.replace(/-/g, '').toUpperCase()}`,
        email: `forge-${variant}@example.com`,
      });
      setAutoPush(stack, false);
      const mail = stack.google.deliver(user.email, { from: 'Mallory <m@evil.example>', subject: 'forged' });
      const jobsBefore = await syncJobsAdded(h);
      const historyBefore = historyCalls(user.email);
      const outcome = status === 401 ? 'unauthenticated' : 'forbidden';
      const refusedBefore = await metric(stack, 'mailbridge_pushes_total', `outcome="${outcome}"`);

      const res = await stack.google.push(user.email, { token: variant });

      expect(res.status).toBe(status);
      expect(await metric(stack, 'mailbridge_pushes_total', `outcome="${outcome}"`)).toBe(refusedBefore + 1);
      expect(await syncJobsAdded(h)).toBe(jobsBefore);
      expect(historyCalls(user.email)).toBe(historyBefore);
      expect(announcementsOf(stack, mail.id)).toHaveLength(0);
    },
  );

  it('when an authenticated push is malformed, oversized or for an unknown mailbox, then it is answered 204, counted and nothing is sent', async () => {
    const { stack, h } = ctx;
    const user = await enabledUser(stack, h, { userId: 'UPOISON', email: 'poison@example.com' });
    setAutoPush(stack, false);
    const mail = stack.google.deliver(user.email, {
      from: 'x@example.org',
      subject: 'not announced by poison',
    });
    const jobsBefore = await syncJobsAdded(h);
    const poisonBefore = await metric(stack, 'mailbridge_pushes_total', 'outcome="poison"');
    const data = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64');

    const answers = await Promise.all([
      stack.google.push(user.email, { data: Buffer.from('not json').toString('base64') }),
      stack.google.push(user.email, { data: data({ emailAddress: user.email, historyId: 'abc' }) }),
      stack.google.push(user.email, { body: { hello: 'world' } }),
      stack.google.push(user.email, { body: 'definitely not json' }),
      stack.google.push(user.email, {
        body: { message: { data: 'A'.repeat(40_000), messageId: 'big' }, subscription: 's' },
      }),
      stack.google.push('nobody@example.com', { historyId: '1000001' }),
    ]);

    expect(answers.map((a) => a.status)).toEqual([204, 204, 204, 204, 204, 204]);
    expect(await metric(stack, 'mailbridge_pushes_total', 'outcome="poison"')).toBe(poisonBefore + 6);
    expect(await syncJobsAdded(h)).toBe(jobsBefore);
    expect(announcementsOf(stack, mail.id)).toHaveLength(0);
  });

  it('when Pub/Sub delivers the same messageId twice, then the second delivery does nothing', async () => {
    const { stack, h } = ctx;
    const user = await enabledUser(stack, h, { userId: 'UDUP', email: 'dup@example.com' });
    setAutoPush(stack, false);
    const mail = stack.google.deliver(user.email, { from: 'Carol <carol@example.org>', subject: 'once' });

    expect((await stack.google.push(user.email, { messageId: '77001' })).status).toBe(204);
    await eventually(() => announcementsOf(stack, mail.id).length === 1);
    await settle(stack, h);
    const jobsBefore = await syncJobsAdded(h);
    const duplicatesBefore = await metric(stack, 'mailbridge_pushes_total', 'outcome="duplicate"');
    expect((await stack.google.push(user.email, { messageId: '77001' })).status).toBe(204);

    expect(await metric(stack, 'mailbridge_pushes_total', 'outcome="duplicate"')).toBe(duplicatesBefore + 1);
    expect(await syncJobsAdded(h)).toBe(jobsBefore);
    expect(announcementsOf(stack, mail.id)).toHaveLength(1);
  });

  it('when 20 pushes for one mailbox arrive at once, then each new message is announced exactly once', async () => {
    const { stack, h } = ctx;
    const user = await enabledUser(stack, h, { userId: 'UBURST', email: 'burst@example.com' });
    setAutoPush(stack, false);
    const mails = [1, 2, 3, 4].map((i) =>
      stack.google.deliver(user.email, { from: `s${i}@example.org`, subject: `burst ${i}` }),
    );

    const answers = await Promise.all(Array.from({ length: 20 }, () => stack.google.push(user.email)));

    expect(answers.every((a) => a.status === 204)).toBe(true);
    await eventually(() => mails.every((m) => announcementsOf(stack, m.id).length >= 1));
    await settle(stack, h);
    for (const m of mails) expect(announcementsOf(stack, m.id)).toHaveLength(1);
    // Coalesced: far fewer syncs than pushes, and never two at once (no message announced twice).
    const syncs = stack.server.logs.filter(
      (l) => l.msg === 'mailbox synced' && l.mailboxId === user.mailboxId,
    );
    expect(syncs.length).toBeLessThan(20);
  });

  it('when a push names a mailbox whose notifications are off, then it is acknowledged and nothing is sent', async () => {
    const { stack, h } = ctx;
    const user = await enabledUser(stack, h, { userId: 'UOFFPUSH', email: 'offpush@example.com' });
    await h.db.query('UPDATE mailboxes SET enabled = false WHERE id = $1', [user.mailboxId]);
    const mail = stack.google.deliver(user.email, { from: 'x@example.org', subject: 'while off' });
    await stack.google.settled();
    expect(stack.google.pushes.at(-1)?.status).toBe(204);
    await settle(stack, h);
    expect(announcementsOf(stack, mail.id)).toHaveLength(0);
  });
});
