import { createPushAuthenticator, type PushClaims } from '../../src/modules/notify/domain/push-auth';
import { cachingVerifier } from '../../src/modules/notify/verified-token-cache';

const AUD = 'https://mb.example/pubsub/gmail';
const SA = 'push@proj.iam.gserviceaccount.com';
const START = 1_800_000_000;
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const claims = (exp: number): PushClaims => ({
  iss: 'https://accounts.google.com',
  aud: AUD,
  email: SA,
  email_verified: true,
  exp,
});
const token = (exp: number, sig = 'good') => `${b64({ alg: 'RS256' })}.${b64(claims(exp))}.${sig}`;

/** A signature check that accepts only signatures spelled "good", counting its calls. */
function setup(opts: { maxEntries?: number; maxAgeSeconds?: number } = {}) {
  let now = START;
  const checked: string[] = [];
  const verify = async (t: string): Promise<PushClaims | undefined> => {
    checked.push(t);
    const [, body, sig] = t.split('.');
    return sig === 'good'
      ? (JSON.parse(Buffer.from(body!, 'base64url').toString()) as PushClaims)
      : undefined;
  };
  const nowSeconds = () => now;
  const cached = cachingVerifier(verify, { nowSeconds, ...opts });
  const authenticate = createPushAuthenticator({
    audience: AUD,
    serviceAccount: SA,
    verifySignature: cached,
    nowSeconds,
  });
  return { checked, cached, authenticate, advance: (s: number) => void (now += s) };
}

describe('the verified push token cache', () => {
  it('when Pub/Sub reuses a verified token, then its signature is not checked again', async () => {
    const { checked, authenticate } = setup();
    const t = token(START + 3600);
    for (let i = 0; i < 3; i++) expect(await authenticate(`Bearer ${t}`)).toEqual({ ok: true });
    expect(checked).toHaveLength(1);
  });

  it('when a forged token follows a good one, then it is checked and refused', async () => {
    const { checked, authenticate } = setup();
    await authenticate(`Bearer ${token(START + 3600)}`);
    const forged = token(START + 3600, 'forged');
    expect(await authenticate(`Bearer ${forged}`)).toMatchObject({ ok: false, reason: 'signature' });
    expect(await authenticate(`Bearer ${forged}`)).toMatchObject({ ok: false, reason: 'signature' });
    expect(checked).toHaveLength(3);
  });

  it('when a cached token reaches its expiry, then it is checked again and refused', async () => {
    const { checked, authenticate, advance } = setup({ maxAgeSeconds: 3600 });
    const t = token(START + 60);
    expect(await authenticate(`Bearer ${t}`)).toEqual({ ok: true });
    advance(60);
    expect(await authenticate(`Bearer ${t}`)).toMatchObject({ ok: false, reason: 'expired' });
    expect(checked).toHaveLength(2);
  });

  it('when the bound on age passes, then the signature is checked again', async () => {
    const { checked, cached, advance } = setup({ maxAgeSeconds: 600 });
    const t = token(START + 3600);
    await cached(t, AUD);
    advance(599);
    await cached(t, AUD);
    expect(checked).toHaveLength(1);
    advance(1);
    await cached(t, AUD);
    expect(checked).toHaveLength(2);
  });

  it('when more tokens arrive than the bound, then the oldest is forgotten first', async () => {
    const { checked, cached } = setup({ maxEntries: 2 });
    const [a, b, c] = [1, 2, 3].map((n) => token(START + 3600 + n));
    for (const t of [a!, b!, c!, c!, b!]) await cached(t, AUD);
    expect(checked).toEqual([a, b, c]);
    await cached(a!, AUD);
    expect(checked).toEqual([a, b, c, a]);
  });

  it('when a token is refused or already expired, then nothing is remembered', async () => {
    const { checked, cached } = setup();
    const stale = token(START - 1);
    await cached(stale, AUD);
    await cached(stale, AUD);
    expect(checked).toHaveLength(2);
  });

  it('when the same token is checked for another audience, then it is checked again', async () => {
    const { checked, cached } = setup();
    const t = token(START + 3600);
    await cached(t, AUD);
    await cached(t, 'https://other.example/pubsub/gmail');
    expect(checked).toHaveLength(2);
  });
});
