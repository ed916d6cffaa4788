import type { FastifyRequest } from 'fastify';
import { clientAddress } from '../../src/routes/connect-page-guard';

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
