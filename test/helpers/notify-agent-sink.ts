import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedEvent {
  body: Record<string, unknown>;
  raw: string;
  signature: string;
  /** Whether the signature header verifies with the shared secret over `${t}.${raw}`. */
  verified: boolean;
}

/** A stand-in for the assistant's event endpoint on 127.0.0.1; it can be told to fail first. */
export async function startAgentSink(secret: string) {
  const events: ReceivedEvent[] = [];
  let failNext = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failNext > 0) {
        failNext -= 1;
        res.writeHead(503).end();
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      const signature = String(req.headers['x-mailbridge-signature'] ?? '');
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature) ?? [];
      const expected = createHmac('sha256', secret).update(`${t}.${raw}`).digest();
      const verified = Boolean(v1) && timingSafeEqual(Buffer.from(v1 ?? '', 'hex'), expected);
      events.push({ body: JSON.parse(raw) as Record<string, unknown>, raw, signature, verified });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`,
    events,
    failNext(n: number) {
      failNext = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
