import { MAX_PUSH_BYTES, parsePushEnvelope } from '../../src/modules/notify/domain/push-envelope';
import { createPushIntake } from '../../src/modules/notify/domain/push-intake';

const envelope = (data: unknown, message: Record<string, unknown> = { messageId: '42' }) =>
  JSON.stringify({
    message: {
      data: Buffer.from(typeof data === 'string' ? data : JSON.stringify(data)).toString('base64'),
      ...message,
    },
    subscription: 'projects/p/subscriptions/s',
  });

describe('parsePushEnvelope', () => {
  it('when Gmail sends a numeric historyId, then the push is read with the address lower-cased', () => {
    expect(parsePushEnvelope(envelope({ emailAddress: 'Ada@Example.com', historyId: 1234567 }))).toEqual({
      ok: true,
      push: { messageId: '42', emailAddress: 'ada@example.com', historyId: 1234567n },
    });
  });

  it('when the historyId is a string beyond 2^53 and the id is spelled message_id, then it is kept exactly', () => {
    const parsed = parsePushEnvelope(
      envelope({ emailAddress: 'a@b.co', historyId: '18446744073709551615' }, { message_id: '7' }),
    );
    expect(parsed).toEqual({
      ok: true,
      push: { messageId: '7', emailAddress: 'a@b.co', historyId: 18446744073709551615n },
    });
  });

  it.each<[string, string | undefined]>([
    ['an empty body', ''],
    ['no body', undefined],
    ['not JSON', 'hello'],
    ['no message id', envelope({ emailAddress: 'a@b.co', historyId: 1 }, {})],
    ['data that is not JSON', envelope('nope')],
    ['data without an address', envelope({ historyId: 1 })],
    ['a bad address', envelope({ emailAddress: 'not an address', historyId: 1 })],
    ['a negative historyId', envelope({ emailAddress: 'a@b.co', historyId: -1 })],
    ['an unsafe numeric historyId', envelope({ emailAddress: 'a@b.co', historyId: 2 ** 60 })],
    ['a historyId beyond a number', envelope('{"emailAddress":"a@b.co","historyId":1e400}')],
    ['a non-numeric historyId', envelope({ emailAddress: 'a@b.co', historyId: '12ab' })],
    ['an oversized body', ' '.repeat(MAX_PUSH_BYTES + 1)],
  ])('when the push has %s, then it is poison', (_name, body) => {
    expect(parsePushEnvelope(body)).toMatchObject({ ok: false });
  });

  it('when the historyId is a JSON number beyond a double, then the data is refused as such', () => {
    const body = envelope('{"emailAddress":"a@b.co","historyId":1e400}');
    expect(parsePushEnvelope(body)).toEqual({ ok: false, reason: 'data' });
  });
});

describe('push intake', () => {
  const push = { messageId: 'm1', emailAddress: 'a@b.co', historyId: 5n };
  const make = (over: Partial<Parameters<typeof createPushIntake>[0]> = {}) => {
    const remembered: string[] = [];
    const enqueued: string[] = [];
    const raised: string[] = [];
    const receive = createPushIntake({
      dedupe: {
        seen: async (id) => remembered.includes(id),
        remember: async (id) => void remembered.push(id),
      },
      touchMailboxes: async () => [
        { id: 'mb1', enabled: true },
        { id: 'mb2', enabled: false },
      ],
      raisePushed: async (email, historyId) => void raised.push(`${email}:${historyId}`),
      enqueueSync: async (id) => void enqueued.push(`${id}@${raised.length}`),
      ...over,
    });
    return { receive, remembered, enqueued, raised };
  };

  it('when a push arrives, then its history id is raised, then enabled mailboxes get a sync and the messageId is remembered after that', async () => {
    const { receive, remembered, enqueued, raised } = make();
    await expect(receive(push)).resolves.toBe('queued');
    expect(enqueued).toEqual(['mb1@1']);
    expect(raised).toEqual(['a@b.co:5']);
    await expect(receive(push)).resolves.toBe('duplicate');
    expect(enqueued).toEqual(['mb1@1']);
    expect(remembered).toEqual(['m1']);
  });

  it('when the sync cannot be recorded, then the messageId is not remembered, so the redelivery is processed', async () => {
    const { receive, remembered } = make({
      enqueueSync: async () => Promise.reject(new Error('redis down')),
    });
    await expect(receive(push)).rejects.toThrow('redis down');
    expect(remembered).toEqual([]);
  });

  it('when no mailbox has that address, then it is reported as unknown', async () => {
    const { receive } = make({ touchMailboxes: async () => [] });
    await expect(receive(push)).resolves.toBe('unknown_mailbox');
  });
});
