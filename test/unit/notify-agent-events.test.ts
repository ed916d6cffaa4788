import { createHmac } from 'node:crypto';
import { createAgentEvents, signAgentEvent } from '../../src/shared/agent-events';

describe('agent events', () => {
  it('signs t.body with HMAC-SHA256', () => {
    const expected = createHmac('sha256', 'k').update('1700000000.{"a":1}').digest('hex');
    expect(signAgentEvent('k', '{"a":1}', 1_700_000_000)).toBe(`t=1700000000,v1=${expected}`);
  });

  it('when the sink fails with 5xx, then it retries; on 4xx it gives up at once', async () => {
    const answers = [503, 204];
    const fetch = jest.fn(async () => new Response(null, { status: answers.shift() ?? 400 }));
    const post = createAgentEvents({
      url: 'http://127.0.0.1:1/e',
      secret: 's',
      timeoutMs: 1000,
      retryDelayMs: 1,
      fetch,
    });
    await post({ id: 'x' });
    expect(fetch).toHaveBeenCalledTimes(2);
    const [, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect((init.headers as Record<string, string>)['X-Mailbridge-Signature']).toMatch(
      /^t=\d+,v1=[0-9a-f]{64}$/,
    );

    fetch.mockClear();
    await expect(post({ id: 'y' })).rejects.toThrow(/400/);
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});
