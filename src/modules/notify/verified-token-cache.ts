import type { PushClaims } from './domain/push-auth';

type Verify = (token: string, audience: string) => Promise<PushClaims | undefined>;

export interface VerifiedTokenCacheOptions {
  nowSeconds(): number;
  /** Most tokens remembered at once; the oldest is forgotten first. */
  maxEntries?: number;
  /** Longest a verification is trusted without checking the signature again. */
  maxAgeSeconds?: number;
}

const MAX_ENTRIES = 1_000;
const MAX_AGE_SECONDS = 600;

/**
 * Pub/Sub sends the same token with every push for about an hour, and checking its RSA signature is
 * the push path's largest cost. Only a token whose signature verified is remembered, by the token
 * itself (a map lookup; hashing it with SHA-256 on every push cost more than the rest of the check),
 * so any other token (a forged signature is a different token) is verified as before. Invariant: an entry
 * is never used at or after the token's `exp`; the caller still checks every claim on each request.
 */
export function cachingVerifier(verify: Verify, opts: VerifiedTokenCacheOptions): Verify {
  const maxEntries = opts.maxEntries ?? MAX_ENTRIES;
  const maxAge = opts.maxAgeSeconds ?? MAX_AGE_SECONDS;
  const verified = new Map<string, { claims: PushClaims; until: number }>();

  return async (token, audience) => {
    const key = `${audience}\n${token}`;
    const now = opts.nowSeconds();
    const hit = verified.get(key);
    if (hit && now < hit.until) return hit.claims;
    if (hit) verified.delete(key);
    const claims = await verify(token, audience);
    if (claims && typeof claims.exp === 'number' && now < claims.exp) {
      if (verified.size >= maxEntries) verified.delete(verified.keys().next().value as string);
      verified.set(key, { claims, until: Math.min(claims.exp, now + maxAge) });
    }
    return claims;
  };
}
