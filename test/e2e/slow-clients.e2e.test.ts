import net from 'node:net';
import { startStack, type Stack } from '../helpers/stack';

/** What a client that never finishes its request saw before the server let go of it. */
interface Outcome {
  answer: string;
  closed: boolean;
}

type Drip = 'silent' | 'headers' | 'body';

/**
 * A client that opens a connection and then sends its request one byte at a time, never finishing it
 * (or sends nothing at all). The body goes to the assistant's tool API, authorized, so the route waits for
 * it. `done` resolves when the server closes the connection.
 */
function slowClient(port: number, drip: Drip, apiKey: string) {
  const socket = net.connect({ host: '127.0.0.1', port });
  let answer = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
  socket.on('error', () => undefined);
  const head = `POST /api/tools/send-email HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${apiKey}\r\n`;
  const pending =
    drip === 'silent'
      ? ''
      : drip === 'headers'
        ? `${head}X-Padding: ${'a'.repeat(1000)}`
        : `${head}Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"message":"${'a'.repeat(1000)}`;
  let sent = drip === 'body' ? pending.indexOf('\r\n\r\n') + 4 : 0;
  socket.once('connect', () => socket.write(pending.slice(0, sent)));
  const timer = setInterval(() => {
    if (drip !== 'silent' && sent < pending.length && !socket.destroyed) socket.write(pending[sent++]!);
  }, 300);
  const done = new Promise<Outcome>((resolve) =>
    socket.once('close', () => {
      clearInterval(timer);
      resolve({ answer, closed: true });
    }),
  );
  return {
    done,
    destroy: () => {
      clearInterval(timer);
      socket.destroy();
    },
  };
}

/** The server let go: it answered 408 Request Timeout, or closed the connection without a word. */
const cut = (o: Outcome) => o.closed && (o.answer === '' || o.answer.startsWith('HTTP/1.1 408'));

describe('slow clients', () => {
  let stack: Stack;
  const apiKey = () => stack.env.AGENT_API_KEY!.split(',')[0]!;
  beforeAll(async () => {
    stack = await startStack({
      env: { HTTP_REQUEST_TIMEOUT_MS: '2000', HTTP_CONNECTION_TIMEOUT_MS: '4000' },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it.each<Drip>(['body', 'headers', 'silent'])(
    'when a client drips its request (%s), then the server cuts it with 408 or closes the connection',
    async (drip) => {
      const client = slowClient(stack.server.port, drip, apiKey());
      const outcome = await client.done;
      expect(cut(outcome)).toBe(true);
    },
  );

  it('when 200 slow clients hold connections, then /healthz is still answered and every slow client is cut', async () => {
    const drips: Drip[] = ['body', 'headers', 'silent'];
    const clients = Array.from({ length: 200 }, (_, i) =>
      slowClient(stack.server.port, drips[i % 3]!, apiKey()),
    );
    try {
      const res = await fetch(`${stack.baseUrl}/healthz`);
      expect(res.status).toBe(200);
      const outcomes = await Promise.all(clients.map((c) => c.done));
      expect(outcomes.filter((o) => !cut(o))).toEqual([]);
      expect((await fetch(`${stack.baseUrl}/healthz`)).status).toBe(200);
    } finally {
      for (const c of clients) c.destroy();
    }
  });
});
