import {
  checkPushClaims,
  createPushAuthenticator,
  type PushClaims,
  type PushRefusal,
} from '../../src/modules/notify/domain/push-auth';

const expected = {
  audience: 'https://mb.example/pubsub/gmail',
  serviceAccount: 'push@proj.iam.gserviceaccount.com',
};
const NOW = 1_800_000_000;
const good: PushClaims = {
  iss: 'https://accounts.google.com',
  aud: expected.audience,
  email: expected.serviceAccount,
  email_verified: true,
  exp: NOW + 600,
};
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (header: object, payload: object) => `${b64(header)}.${b64(payload)}.c2ln`;

describe('checkPushClaims', () => {
  it('when every claim matches, then the push is authenticated (both Google issuer spellings)', () => {
    expect(checkPushClaims(good, expected, NOW)).toEqual({ ok: true });
    expect(checkPushClaims({ ...good, iss: 'accounts.google.com' }, expected, NOW)).toEqual({ ok: true });
  });

  it.each<[string, PushClaims, PushRefusal]>([
    ['another issuer', { ...good, iss: 'https://evil.example' }, 'unauthenticated'],
    ['no expiry', { ...good, exp: undefined }, 'unauthenticated'],
    ['expired a second ago (no skew allowed)', { ...good, exp: NOW }, 'unauthenticated'],
    ['another audience', { ...good, aud: 'https://attacker.example/pubsub/gmail' }, 'forbidden'],
    ['an audience list', { ...good, aud: [expected.audience] }, 'forbidden'],
    ['another service account', { ...good, email: 'x@evil.iam.gserviceaccount.com' }, 'forbidden'],
    ['no email', { ...good, email: undefined }, 'forbidden'],
    ['an unverified email', { ...good, email_verified: false }, 'forbidden'],
    ['email_verified as a string', { ...good, email_verified: 'true' as unknown as boolean }, 'forbidden'],
  ])('when the token has %s, then it is refused as %s', (_name, claims, refusal) => {
    expect(checkPushClaims(claims, expected, NOW)).toMatchObject({ ok: false, refusal });
  });
});

describe('createPushAuthenticator', () => {
  const make = (verified: PushClaims | undefined) => {
    const verifySignature = jest.fn(async () => verified);
    return {
      verifySignature,
      auth: createPushAuthenticator({ ...expected, verifySignature, nowSeconds: () => NOW }),
    };
  };

  it('when the header is missing or not a bearer token, then 401 without verifying anything', async () => {
    const { auth, verifySignature } = make(good);
    await expect(auth(undefined)).resolves.toMatchObject({
      refusal: 'unauthenticated',
      reason: 'missing_token',
    });
    await expect(auth('Basic abc')).resolves.toMatchObject({ refusal: 'unauthenticated' });
    await expect(auth('Bearer not-a-jwt')).resolves.toMatchObject({
      refusal: 'unauthenticated',
      reason: 'malformed_token',
    });
    expect(verifySignature).not.toHaveBeenCalled();
  });

  it.each(['none', 'HS256', undefined])(
    'when the algorithm is %s, then 401 before any key lookup',
    async (alg) => {
      const { auth, verifySignature } = make(good);
      await expect(auth(`Bearer ${jwt({ alg, kid: 'k' }, good)}`)).resolves.toMatchObject({
        refusal: 'unauthenticated',
        reason: 'algorithm',
      });
      expect(verifySignature).not.toHaveBeenCalled();
    },
  );

  it('when the signature does not verify, then 401', async () => {
    const { auth } = make(undefined);
    await expect(auth(`Bearer ${jwt({ alg: 'RS256' }, good)}`)).resolves.toMatchObject({
      refusal: 'unauthenticated',
      reason: 'signature',
    });
  });

  it('when a genuine token names another audience, then it is verified for that audience and refused with 403', async () => {
    const other = { ...good, aud: 'https://other.example/hook' };
    const { auth, verifySignature } = make(other);
    await expect(auth(`Bearer ${jwt({ alg: 'RS256' }, other)}`)).resolves.toMatchObject({
      refusal: 'forbidden',
      reason: 'audience',
    });
    expect(verifySignature).toHaveBeenCalledWith(expect.any(String), 'https://other.example/hook');
  });

  it('when the verified claims match, then the push is authenticated', async () => {
    const { auth } = make(good);
    await expect(auth(`Bearer ${jwt({ alg: 'RS256' }, good)}`)).resolves.toEqual({ ok: true });
  });
});
