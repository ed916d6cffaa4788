import Fastify, { type FastifyRequest } from 'fastify';
import { clientAddress, connectPageGuard } from '../../src/routes/connect-page-guard';
import type { ConnectPageLimits } from '../../src/persistence/connect-page-limits';

const request = (headers: Record<string, string>, ip = '10.0.0.9') =>
  ({ headers, ip }) as unknown as FastifyRequest;

describe('the address the connect pages are limited by', () => {
  it("when Fly's edge names the client, then that address is used", () => {
    expect(clientAddress(request({ 'fly-client-ip': '203.0.113.5' }))).toBe('203.0.113.5');
    expect(clientAddress(request({ 'fly-client-ip': '2001:db8::1' }))).toBe('2001:db8::1');
  });

  it('when Fly-Client-IP is missing or not an address, then the address Fastify trusts is used', () => {
    expect(clientAddress(request({}))).toBe('10.0.0.9');
    expect(clientAddress(request({ 'fly-client-ip': 'x'.repeat(500) }))).toBe('10.0.0.9');
    expect(clientAddress(request({ 'fly-client-ip': '203.0.113.5, 198.51.100.1' }))).toBe('10.0.0.9');
  });
});

describe('the guard of the connect pages', () => {
  const pageBehind = async (consume: ConnectPageLimits['consume']) => {
    const app = Fastify();
    app.get('/start', { preHandler: connectPageGuard({ consume }) }, async () => 'the page');
    const res = await app.inject({ url: '/start?pairing=abcdefghijkl' });
    await app.close();
    return res;
  };

  it('when the limit is reached, then 429 carries Retry-After and a page that says what to do', async () => {
    const res = await pageBehind(async () => ({ allowed: false, retryAfterMs: 42_300 }));
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('43');
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toMatch(/Too many requests/);
    expect(res.body).toMatch(/What next:.*Wait 43 seconds.*ai-email-connect/s);
  });

  it('when the limits cannot be read (Redis down), then the page is refused with 503, never served unbounded', async () => {
    const res = await pageBehind(async () => {
      throw new Error('Connection is closed.');
    });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('30');
    expect(res.body).not.toContain('the page');
  });

  it('when within the limits, then the page is served and the pairing and address are what was counted', async () => {
    const counted: string[][] = [];
    const res = await pageBehind(async (pairingId, address) => {
      counted.push([pairingId, address]);
      return { allowed: true };
    });
    expect(res.body).toBe('the page');
    expect(counted).toEqual([['abcdefghijkl', '127.0.0.1']]);
  });
});
