/**
 * Authentication of Pub/Sub push requests (SPEC 6.5.3). The signature is checked by the injected
 * verifier against Google's cached certificates; every claim that matters is checked here, strictly,
 * because the library tolerates clock skew and does not look at `email` at all.
 */
export const GOOGLE_ISSUERS: readonly string[] = ['accounts.google.com', 'https://accounts.google.com'];

export interface PushClaims {
  iss?: string;
  aud?: string | string[];
  email?: string;
  email_verified?: boolean;
  exp?: number;
}

/**
 * `unauthenticated`: not a valid Google token for us at all; `forbidden`: a genuine Google token that
 * is not Pub/Sub's for us.
 */
export type PushRefusal = 'unauthenticated' | 'forbidden';

export type PushAuthResult = { ok: true } | { ok: false; refusal: PushRefusal; reason: string };

export interface PushExpectations {
  audience: string;
  serviceAccount: string;
}

const reject = (refusal: PushRefusal, reason: string): PushAuthResult => ({ ok: false, refusal, reason });

export function checkPushClaims(
  claims: PushClaims,
  expected: PushExpectations,
  nowSeconds: number,
): PushAuthResult {
  if (!claims.iss || !GOOGLE_ISSUERS.includes(claims.iss)) return reject('unauthenticated', 'issuer');
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return reject('unauthenticated', 'expired');
  if (claims.aud !== expected.audience) return reject('forbidden', 'audience');
  if (!claims.email || claims.email.toLowerCase() !== expected.serviceAccount.toLowerCase())
    return reject('forbidden', 'email');
  if (claims.email_verified !== true) return reject('forbidden', 'email_unverified');
  return { ok: true };
}

interface DecodedJwt {
  header: { alg?: unknown };
  payload: PushClaims;
}

/** Reads a JWT without trusting it: only to pick the algorithm check and the audience to verify with. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const [header, payload] = parts
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8')));
    if (!header || typeof header !== 'object' || !payload || typeof payload !== 'object') return undefined;
    return { header, payload } as DecodedJwt;
  } catch {
    return undefined;
  }
}

export interface PushAuthDeps extends PushExpectations {
  /** Verifies signature, issuer and expiry (with the library's skew) for the given audience. */
  verifySignature(token: string, audience: string): Promise<PushClaims | undefined>;
  nowSeconds(): number;
}

/** Tokens whose decoding is remembered (Pub/Sub reuses one for about an hour); oldest forgotten first. */
const DECODED_TOKENS = 100;

export function createPushAuthenticator(deps: PushAuthDeps) {
  // Decoding trusts nothing (the signature and claims are still checked on every push); it is only
  // remembered so that the same token is not parsed again on each push.
  const decodedTokens = new Map<string, DecodedJwt | undefined>();
  const decode = (token: string) => {
    if (decodedTokens.has(token)) return decodedTokens.get(token);
    const decoded = decodeJwt(token);
    if (decodedTokens.size >= DECODED_TOKENS) decodedTokens.delete(decodedTokens.keys().next().value!);
    decodedTokens.set(token, decoded);
    return decoded;
  };
  return async function authenticate(authorization: string | undefined): Promise<PushAuthResult> {
    const token = /^Bearer ([A-Za-z0-9_.-]+=*)$/.exec(authorization ?? '')?.[1];
    if (!token) return reject('unauthenticated', 'missing_token');
    const decoded = decode(token);
    if (!decoded) return reject('unauthenticated', 'malformed_token');
    // Google signs with RS256 only; anything else (notably "none") is refused before any key lookup.
    if (decoded.header.alg !== 'RS256') return reject('unauthenticated', 'algorithm');
    const aud = decoded.payload.aud;
    if (typeof aud !== 'string' || aud === '') return reject('unauthenticated', 'audience_missing');
    // Verified against the token's own audience so a valid token for another audience is told
    // apart (forbidden) from a forged one (unauthenticated); the audience itself is compared strictly below.
    const verified = await deps.verifySignature(token, aud);
    if (!verified) return reject('unauthenticated', 'signature');
    return checkPushClaims(verified, deps, deps.nowSeconds());
  };
}

export type PushAuthenticator = ReturnType<typeof createPushAuthenticator>;
