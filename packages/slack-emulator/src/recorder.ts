import type { Envelope, PostedMessage, SocketConnectionRecord, WebApiCall } from './types';
import { Waiters } from './waiters';

export const DEFAULT_WAIT_MS = 5000;

/** What the emulator saw and produced; every change wakes the waiters. */
export class Recorder {
  readonly calls: WebApiCall[] = [];
  readonly messages: PostedMessage[] = [];
  readonly envelopes: Envelope[] = [];
  readonly connections: SocketConnectionRecord[] = [];
  readonly waiters = new Waiters();

  recordCall(call: WebApiCall): void {
    this.calls.push(call);
    this.waiters.notify();
  }

  recordMessage(message: Omit<PostedMessage, 'at'>): void {
    this.messages.push({ ...withoutUndefined(message), at: new Date() });
    this.waiters.notify();
  }

  recordEnvelope(envelope: Envelope): void {
    this.envelopes.push(envelope);
  }

  waitForCall(
    method: string,
    pred: (c: WebApiCall) => boolean = () => true,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<WebApiCall> {
    return this.waiters.until(
      () => this.calls.find((c) => c.method === method && pred(c)),
      timeoutMs,
      () => `a ${method} call; calls so far: [${this.calls.map((c) => c.method).join(', ')}]`,
    );
  }

  waitForMessage(pred: (m: PostedMessage) => boolean, timeoutMs = DEFAULT_WAIT_MS): Promise<PostedMessage> {
    return this.waiters.until(
      () => this.messages.find(pred),
      timeoutMs,
      () =>
        `a matching message; messages so far: ${JSON.stringify(this.messages.map(({ kind, channel, text }) => ({ kind, channel, text })))}`,
    );
  }

  /** Keeps array identity so callers holding `emu.calls` see the reset. */
  reset(): void {
    this.calls.length = 0;
    this.messages.length = 0;
    this.envelopes.length = 0;
  }
}

/** Drops undefined keys so `toEqual`/`toMatchObject` assertions stay readable. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
