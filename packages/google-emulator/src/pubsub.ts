import { randomBytes } from 'node:crypto';
import { request, type ClientRequest } from 'node:http';
import type { Delays, FaultRegistry } from './faults';
import { b64url, nowSeconds, signJwt, type KeyRing } from './jwt';
import { GOOGLE_ISSUER } from './oauth';
import type { PushConfig, PushOptions, PushRecord, TokenVariant } from './types';

type PushClaims = Partial<{
  aud: string;
  email: string;
  email_verified: boolean;
  exp: number;
  iss: string;
  iat: number;
}>;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const PUSH_TIMEOUT_MS = 30_000;

/** Pub/Sub push subscription with OIDC authentication, as Gmail notifications arrive through it. */
export class PushSender {
  readonly pushes: PushRecord[] = [];
  private config: (Required<PushConfig> & { sub: string }) | undefined;
  private nextMessageId = 4_000_000_000_000_000n;
  private readonly inFlight = new Set<ClientRequest>();
  private readonly auto = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly keys: KeyRing,
    private readonly faults: FaultRegistry,
    private readonly delays: Delays,
    private readonly log: (m: string) => void,
  ) {}

  configure(p: PushConfig): void {
    if (!LOOPBACK_HOSTS.has(new URL(p.endpoint).host.replace(/:\d+$/, '')))
      throw new Error(`push endpoint must be loopback: ${p.endpoint}`);
    const sub = `1${Array.from(randomBytes(20), (b) => b % 10).join('')}`;
    this.config = {
      ...p,
      subscription: p.subscription ?? 'projects/test-project/subscriptions/gmail-push',
      autoPush: p.autoPush ?? true,
      sub,
    };
  }

  get autoPushEnabled(): boolean {
    return this.config?.autoPush === true;
  }

  /** Starts a push in the background; {@link settled} waits for it. */
  pushLater(email: string, historyId: string): void {
    const p = this.push(email, { historyId }).catch((e: unknown) => this.log(`push failed: ${String(e)}`));
    this.auto.add(p);
    void p.finally(() => this.auto.delete(p));
  }

  async settled(): Promise<void> {
    while (this.auto.size > 0) await Promise.all([...this.auto]);
  }

  signPushToken(claims: PushClaims = {}): string {
    return signJwt(this.keys.current, { ...this.claims(), ...claims });
  }

  /** The Authorization token for each attack variant; undefined for 'none'. */
  tokenFor(variant: TokenVariant): string | undefined {
    switch (variant) {
      case 'none':
        return undefined;
      case 'valid':
        return this.signPushToken();
      case 'bad-signature': {
        const [head, body, sig = ''] = this.signPushToken().split('.');
        const bytes = Buffer.from(sig, 'base64url');
        bytes[0] = (bytes[0] ?? 0) ^ 0xff;
        return `${head}.${body}.${b64url(bytes)}`;
      }
      case 'alg-none': {
        const [, body] = this.signPushToken().split('.');
        return `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT', kid: this.keys.current.kid }))}.${body}.`;
      }
      case 'wrong-audience':
        return this.signPushToken({ aud: 'https://attacker.example/pubsub/gmail' });
      case 'wrong-email':
        return this.signPushToken({ email: 'attacker@evil-project.iam.gserviceaccount.com' });
      case 'unverified-email':
        return this.signPushToken({ email_verified: false });
      case 'expired':
        return this.signPushToken({ iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 });
      case 'wrong-issuer':
        return this.signPushToken({ iss: 'https://evil.example.com' });
      case 'other-key':
        return signJwt(this.keys.unpublished, this.claims());
    }
  }

  async push(
    email: string,
    opts: PushOptions & { historyId: string },
  ): Promise<{ status: number; body: string }> {
    const c = this.required();
    const { historyId } = opts;
    const messageId = opts.messageId ?? String(this.nextMessageId++);
    const variant = opts.token ?? 'valid';
    const publishTime = new Date().toISOString();
    const data =
      opts.data ??
      Buffer.from(JSON.stringify({ emailAddress: email, historyId: Number(historyId) })).toString('base64');
    const envelope = opts.body ?? {
      message: {
        attributes: {},
        data,
        messageId,
        message_id: messageId,
        publishTime,
        publish_time: publishTime,
      },
      subscription: c.subscription,
    };
    const fault = this.faults.take('push');
    if (fault?.delayMs) await this.delays.sleep(fault.delayMs);
    const result =
      fault?.drop || this.closed
        ? { status: 0, body: '' }
        : await this.post(c.endpoint, envelope, this.tokenFor(variant));
    this.pushes.push({ messageId, email, historyId, token: variant, status: result.status });
    this.log(`push ${messageId} (${variant}) → ${result.status}`);
    return result;
  }

  close(): void {
    this.closed = true;
    for (const req of this.inFlight) req.destroy();
  }

  /** What Pub/Sub puts in a push token: the subscription's audience and service account, 1 h validity. */
  private claims() {
    const c = this.required();
    const iat = nowSeconds();
    return {
      aud: c.audience,
      azp: c.sub,
      email: c.serviceAccountEmail,
      email_verified: true,
      iat,
      exp: iat + 3600,
      iss: GOOGLE_ISSUER,
      sub: c.sub,
    };
  }

  private required() {
    if (!this.config) throw new Error('call configurePush() first');
    return this.config;
  }

  /** One request per push on its own connection (agent: false), so nothing lingers after close. */
  private post(
    endpoint: string,
    envelope: unknown,
    token: string | undefined,
  ): Promise<{ status: number; body: string }> {
    const payload = Buffer.from(typeof envelope === 'string' ? envelope : JSON.stringify(envelope));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'content-length': String(payload.length),
      'user-agent': 'APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)',
    };
    if (token) headers.authorization = `Bearer ${token}`;
    return new Promise((resolve) => {
      const req = request(
        endpoint,
        { method: 'POST', headers, agent: false, timeout: PUSH_TIMEOUT_MS },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', () => resolve({ status: 0, body: '' }));
        },
      );
      this.inFlight.add(req);
      req.on('close', () => this.inFlight.delete(req));
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve({ status: 0, body: '' }));
      req.end(payload);
    });
  }
}
