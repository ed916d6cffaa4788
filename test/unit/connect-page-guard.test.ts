import Fastify, { type FastifyRequest } from 'fastify';
import {
  addressTrustFor,
  clientAddress,
  connectPageGuard,
  limitKey,
} from '../../src/modules/connect/http/page-guard';
import type { ConnectPageLimits } from '../../src/modules/connect/page-limits';

const request = (headers: Record<string, string>, ip = '10.0.0.9') =>
  ({ headers, ip }) as unknown as FastifyRequest;

const ON_FLY = { onFly: true };
const ELSEWHERE = { onFly: false };

describe('the address the connect pages are limited by', () => {
  it('when FLY_APP_NAME is set, then Fly’s edge is trusted; when it is unset, then it is not', () => {
    expect(addressTrustFor('mailbridge')).toEqual(ON_FLY);
    expect(addressTrustFor(undefined)).toEqual(ELSEWHERE);
  });

  it('when running on Fly and its edge names the client, then that address is used', () => {
    expect(clientAddress(request({ 'fly-client-ip': '203.0.113.5' }), ON_FLY)).toBe('203.0.113.5');
    expect(clientAddress(request({ 'fly-client-ip': '2001:db8::1' }), ON_FLY)).toBe('2001:db8:0:0::/64');
  });

  it('when running on Fly and Fly-Client-IP is missing or not an address, then the address Fastify trusts is used', () => {
    expect(clientAddress(request({}), ON_FLY)).toBe('10.0.0.9');
    expect(clientAddress(request({ 'fly-client-ip': 'x'.repeat(500) }), ON_FLY)).toBe('10.0.0.9');
    expect(clientAddress(request({ 'fly-client-ip': '203.0.113.5, 198.51.100.1' }), ON_FLY)).toBe('10.0.0.9');
  });

  it('when not running on Fly, then a Fly-Client-IP header is the client talking and is ignored', () => {
    expect(clientAddress(request({ 'fly-client-ip': '203.0.113.5' }), ELSEWHERE)).toBe('10.0.0.9');
  });

  it('when the client has an IPv6 address, then its whole /64 shares one key', () => {
    const keys = [
      '2001:db8:aa:bb::1',
      '2001:db8:aa:bb:ffff:ffff:ffff:ffff',
      '2001:0db8:00aa:00bb:1:2:3:4',
      '2001:db8:aa:bb::5%eth0',
      '2001:db8:aa:bb::1.2.3.4',
    ].map((ip) => clientAddress(request({}, ip), ELSEWHERE));
    expect(new Set(keys)).toEqual(new Set(['2001:db8:aa:bb::/64']));
    expect(limitKey('2001:db8:aa:bc::1')).toBe('2001:db8:aa:bc::/64');
    expect(limitKey('::1')).toBe('0:0:0:0::/64');
    expect(limitKey('fe80::')).toBe('fe80:0:0:0::/64');
  });

  it('when an IPv4 client reaches an IPv6 socket, then it is keyed by its IPv4 address', () => {
    expect(limitKey('::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(limitKey('198.51.100.7')).toBe('198.51.100.7');
  });
});

describe('the guard of the connect pages', () => {
  const pageBehind = async (consume: ConnectPageLimits['consume']) => {
    const app = Fastify();
    app.get('/start', { preHandler: connectPageGuard({ consume }, ELSEWHERE) }, async () => 'the page');
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
