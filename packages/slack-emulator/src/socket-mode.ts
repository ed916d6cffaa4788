import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { isRecord, parseJson } from './http-body';
import { randomHex } from './ids';
import type { Recorder } from './recorder';
import type { Envelope, EnvelopeAck, SocketConnectionRecord } from './types';

export interface SocketModeDeps {
  recorder: Recorder;
  log: (msg: string) => void;
  appId: string;
  ackTimeoutMs: number;
  pingIntervalMs: number;
}

interface Connection {
  ws: WebSocket;
  record: SocketConnectionRecord;
}

interface PendingAck {
  ws: WebSocket;
  resolve: (ack: EnvelopeAck) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** Slack's Socket Mode side: tickets, hello, envelopes round-robin over open sockets, acks. */
export class SocketMode {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly open: Connection[] = [];
  private readonly pending = new Map<string, PendingAck>();
  private readonly pingTimer: NodeJS.Timeout | undefined;
  private turn = 0;

  /** `wsBase` is `ws://host:port/`. */
  constructor(
    private readonly wsBase: string,
    private readonly deps: SocketModeDeps,
  ) {
    if (deps.pingIntervalMs > 0) {
      this.pingTimer = setInterval(() => this.open.forEach((c) => c.ws.ping()), deps.pingIntervalMs);
    }
  }

  /** What apps.connections.open returns: a URL whose ticket works once. */
  issueUrl(): string {
    const ticket = randomHex();
    this.tickets.add(ticket);
    return `${this.wsBase}link/?ticket=${ticket}&app_id=${this.deps.appId}`;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, query: URLSearchParams): void {
    const ticket = query.get('ticket') ?? '';
    if (!this.tickets.delete(ticket)) {
      this.deps.log('socket mode: refused a connection with an unknown or used ticket');
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, ticket));
  }

  private accept(ws: WebSocket, ticket: string): void {
    const connection: Connection = { ws, record: { ticket, openedAt: new Date() } };
    this.open.push(connection);
    this.deps.recorder.connections.push(connection.record);
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.onFrame(data);
    });
    ws.on('error', (err) => this.deps.log(`socket mode: socket error ${err.message}`));
    ws.on('close', () => this.onClose(connection));
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.open.length,
        debug_info: { host: 'emulator', approximate_connection_time: 18060 },
        connection_info: { app_id: this.deps.appId },
      }),
    );
    this.deps.log(`socket mode: connection opened (${this.open.length} open)`);
    this.deps.recorder.waiters.notify();
  }

  private onFrame(data: RawData): void {
    const frame = parseJson(data.toString());
    if (!isRecord(frame) || typeof frame.envelope_id !== 'string') return;
    const pending = this.pending.get(frame.envelope_id);
    if (!pending) return;
    this.settle(frame.envelope_id, pending);
    pending.resolve({
      envelope_id: frame.envelope_id,
      ...(isRecord(frame.payload) ? { payload: frame.payload } : {}),
    });
  }

  private onClose(connection: Connection): void {
    this.open.splice(this.open.indexOf(connection), 1);
    connection.record.closedAt = new Date();
    for (const [id, pending] of this.pending) {
      if (pending.ws !== connection.ws) continue;
      this.settle(id, pending);
      pending.reject(new Error(`Slack emulator: connection closed before envelope ${id} was acked`));
    }
    this.deps.log(`socket mode: connection closed (${this.open.length} open)`);
    this.deps.recorder.waiters.notify();
  }

  private settle(id: string, pending: PendingAck): void {
    clearTimeout(pending.timer);
    this.pending.delete(id);
  }

  /** Sends `envelope` to one open socket (round-robin) and resolves with its ack. */
  send(envelope: Envelope): Promise<EnvelopeAck> {
    const ready = this.open.filter((c) => c.ws.readyState === WebSocket.OPEN);
    const target = ready[this.turn++ % Math.max(ready.length, 1)];
    if (!target) return Promise.reject(new Error('Slack emulator: no Socket Mode connection is open'));
    this.deps.recorder.recordEnvelope(envelope);
    this.deps.log(`socket mode: sending ${envelope.type} envelope ${envelope.envelope_id}`);
    return new Promise<EnvelopeAck>((resolve, reject) => {
      const id = envelope.envelope_id;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new Error(
            `Slack emulator: envelope ${id} (${envelope.type}) not acked within ${this.deps.ackTimeoutMs} ms`,
          ),
        );
      }, this.deps.ackTimeoutMs);
      this.pending.set(id, { ws: target.ws, resolve, reject, timer });
      target.ws.send(JSON.stringify(envelope));
    });
  }

  connectionCount(): number {
    return this.open.length;
  }

  requestRefresh(): void {
    const frame = JSON.stringify({
      type: 'disconnect',
      reason: 'refresh_requested',
      debug_info: { host: 'emulator' },
    });
    this.open.forEach((c) => c.ws.send(frame));
  }

  dropConnections(): void {
    [...this.open].forEach((c) => c.ws.terminate());
  }

  close(): void {
    clearInterval(this.pingTimer);
    for (const [id, pending] of this.pending) {
      this.settle(id, pending);
      pending.reject(new Error('Slack emulator: closed before the envelope was acked'));
    }
    this.wss.clients.forEach((ws) => ws.terminate());
    this.wss.close();
  }
}
