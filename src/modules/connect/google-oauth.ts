import { OAuth2Client, type TokenPayload } from 'google-auth-library';
import type { Config } from '../../config';
import { classifyGoogleError } from '../../shared/google-errors';
import { connectErrors } from './domain/errors';
import type { AuthorizationRequest, GoogleIdentity, TokenGrant } from './domain/types';

const GOOGLE_ISSUERS = ['accounts.google.com', 'https://accounts.google.com'];

export type GoogleOAuth = ReturnType<typeof createGoogleOAuth>;

function toGrant(tokens: {
  access_token?: string | null;
  expiry_date?: number | null;
  refresh_token?: string | null;
  scope?: string | null;
  id_token?: string | null;
}): TokenGrant {
  if (!tokens.access_token)
    throw connectErrors.fail('google_bad_response', 'Google returned no access token');
  return {
    accessToken: tokens.access_token,
    expiresAt: new Date(tokens.expiry_date ?? Date.now() + 3_000_000),
    refreshToken: tokens.refresh_token ?? undefined,
    scopes: (tokens.scope ?? '').split(/\s+/).filter(Boolean),
    idToken: tokens.id_token ?? undefined,
  };
}

/** The narrow surface of Google's OAuth endpoints we use, reached only through configured URLs. */
export function createGoogleOAuth(config: Config) {
  const client = (redirect = true) =>
    new OAuth2Client({
      clientId: config.GMAIL_OAUTH_CLIENT_ID,
      clientSecret: config.GMAIL_OAUTH_CLIENT_SECRET,
      redirectUri: redirect ? config.GMAIL_OAUTH_REDIRECT_URI : undefined,
      endpoints: {
        oauth2AuthBaseUrl: config.GOOGLE_OAUTH_AUTH_URL,
        oauth2TokenUrl: config.GOOGLE_OAUTH_TOKEN_URL,
        oauth2RevokeUrl: config.GOOGLE_OAUTH_REVOKE_URL,
        oauth2FederatedSignonPemCertsUrl: config.GOOGLE_OAUTH_CERTS_URL,
      },
      transporterOptions: { fetchImplementation: globalThis.fetch, timeout: config.HTTP_TIMEOUT_MS },
    });
  // One long-lived client for verification so fetched certificates are cached across requests.
  const verifier = client(false);

  const fail = (err: unknown, what: string): never => {
    const f = classifyGoogleError(err);
    const code = f.kind === 'invalid_grant' ? 'invalid_grant' : (`google_${f.kind}` as const);
    throw connectErrors.fail(code, `${what} failed: ${f.kind}`, { cause: err });
  };

  return {
    authorizationUrl(p: AuthorizationRequest) {
      return client().generateAuthUrl({
        access_type: 'offline',
        prompt: 'consent',
        response_type: 'code',
        scope: p.scopes,
        state: p.state,
        code_challenge: p.codeChallenge,
        code_challenge_method: 'S256' as never,
        include_granted_scopes: p.includeGrantedScopes,
        login_hint: p.loginHint,
      });
    },
    async exchangeCode(code: string, codeVerifier: string): Promise<TokenGrant> {
      try {
        const { tokens } = await client().getToken({ code, codeVerifier });
        return toGrant(tokens);
      } catch (err) {
        return fail(err, 'code exchange');
      }
    },
    async verifyIdToken(idToken: string): Promise<GoogleIdentity> {
      let payload: TokenPayload | undefined;
      try {
        payload = (
          await verifier.verifyIdToken({ idToken, audience: config.GMAIL_OAUTH_CLIENT_ID })
        ).getPayload();
      } catch (err) {
        throw connectErrors.fail('id_token_invalid', 'Google ID token failed verification', {
          details: { flaw: 'signature' },
          cause: err,
        });
      }
      if (!payload?.sub || !payload.email || !GOOGLE_ISSUERS.includes(payload.iss)) {
        throw connectErrors.fail('id_token_invalid', 'Google ID token lacks an issuer, subject or email', {
          details: { flaw: 'claims' },
        });
      }
      return {
        sub: payload.sub,
        email: payload.email.toLowerCase(),
        emailVerified: payload.email_verified === true,
      };
    },
    async refresh(refreshToken: string): Promise<TokenGrant> {
      const c = client(false);
      c.setCredentials({ refresh_token: refreshToken });
      // refreshAccessToken() puts the old refresh token back into its result; a rotated one is only
      // visible in the 'tokens' event, so it is captured there.
      let rotated: string | undefined;
      c.on('tokens', (tokens) => {
        if (tokens.refresh_token) rotated = tokens.refresh_token;
      });
      try {
        const { credentials } = await c.refreshAccessToken();
        return { ...toGrant(credentials), refreshToken: rotated };
      } catch (err) {
        return fail(err, 'token refresh');
      }
    },
    /**
     * One bounded POST with the token in the body. Not google-auth-library's revokeToken: that one
     * puts the token in the URL and retries internally, which would stretch the window in which a
     * reconnect of the same account could be revoked; retries are ours (parked revocations).
     */
    async revoke(token: string): Promise<void> {
      let status: number;
      try {
        const res = await fetch(config.GOOGLE_OAUTH_REVOKE_URL, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token }),
          signal: AbortSignal.timeout(config.HTTP_TIMEOUT_MS),
        });
        status = res.status;
        await res.body?.cancel();
      } catch (err) {
        return fail(err, 'token revocation');
      }
      // 400 invalid_token: already revoked or expired — the goal is met.
      if (status === 200 || status === 400) return;
      throw connectErrors.fail(
        status === 429 ? 'google_rate_limited' : 'google_server',
        `token revocation failed: ${status}`,
      );
    },
  };
}
