import { createHash, randomBytes } from 'node:crypto';
import { consentPage, type ConsentPolicy } from './consent';
import { bodyParams, escapeHtml, html, json, redirect, type Incoming, type Reply } from './http';
import { b64url, nowSeconds, signJwt, type KeyRing } from './jwt';
import { grantedForm, normalizeScope, SIGN_IN_SCOPES, USERINFO_EMAIL, type OAuthStore } from './oauth-store';
import type { ConsentRule, GoogleEmulator } from './types';

export const GOOGLE_ISSUER = 'https://accounts.google.com';
export const CONSENT_PATH = '/o/oauth2/v2/auth/consent';

export interface OAuthContext {
  store: OAuthStore;
  keys: KeyRing;
  consent: ConsentPolicy;
  clientId: string;
  clientSecret: string;
  redirectUris: Set<string>;
  interactive: boolean;
  certsMaxAgeSeconds: number;
  rotateRefreshTokens: () => boolean;
  records: Pick<GoogleEmulator, 'authorizeRequests' | 'tokenRequests' | 'revocations'>;
}

const errorPage = (status: number, error: string, description: string): Reply =>
  html(
    status,
    `<!doctype html><title>Error</title><h1>Error ${status}: ${escapeHtml(error)}</h1><p data-error="${escapeHtml(error)}">${escapeHtml(description)}</p>`,
  );

const oauthError = (status: number, error: string, description: string): Reply =>
  json(status, { error, error_description: description });

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

/** Google's OAuth 2.0 endpoints for one web client. */
export function createOAuthHandlers(ctx: OAuthContext) {
  const pending = new Map<string, Record<string, string>>();

  /** Validates an authorize request; errors are pages (Google only redirects consent outcomes). */
  function validate(p: Record<string, string>): { scopes: string[] } | Reply {
    if (p.client_id !== ctx.clientId)
      return errorPage(401, 'invalid_client', 'The OAuth client was not found.');
    if (!p.redirect_uri || !ctx.redirectUris.has(p.redirect_uri)) {
      return errorPage(
        400,
        'redirect_uri_mismatch',
        `redirect_uri=${p.redirect_uri ?? ''} is not registered for this client.`,
      );
    }
    if (p.response_type !== 'code')
      return errorPage(400, 'unsupported_response_type', `response_type must be code.`);
    const words = (p.scope ?? '').split(/\s+/).filter(Boolean);
    if (words.length === 0) return errorPage(400, 'invalid_request', 'Missing required parameter: scope');
    const unknown = words.filter((w) => !grantedForm(w));
    if (unknown.length > 0)
      return errorPage(400, 'invalid_scope', `Some requested scopes were invalid: ${unknown.join(' ')}`);
    if (!words.includes('openid')) return errorPage(400, 'invalid_request', 'The openid scope is required.');
    if (!p.code_challenge)
      return errorPage(400, 'invalid_request', 'Missing required parameter: code_challenge');
    if (p.code_challenge_method !== 'S256')
      return errorPage(400, 'invalid_request', 'code_challenge_method must be S256.');
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(p.code_challenge))
      return errorPage(400, 'invalid_request', 'Invalid code_challenge.');
    return { scopes: [...new Set(words.map((w) => grantedForm(w) as string))] };
  }

  function decide(p: Record<string, string>, requested: string[], rule: ConsentRule): Reply {
    const hinted = p.login_hint ? ctx.store.account(p.login_hint) : undefined;
    const account = rule.email
      ? ctx.store.account(rule.email)
      : (hinted ?? ctx.store.accounts.values().next().value);
    if (!account)
      return errorPage(
        500,
        'no_account',
        `No Google account ${rule.email ?? ''} in the emulator: call addAccount().`,
      );
    const back = new URL(p.redirect_uri as string);
    if (p.state !== undefined) back.searchParams.set('state', p.state);
    if (rule.deny) {
      back.searchParams.set('error', 'access_denied');
      return redirect(back.href);
    }
    const ticked = rule.grantScopes && new Set(rule.grantScopes.map(normalizeScope));
    const granted = requested.filter((s) => SIGN_IN_SCOPES.has(s) || !ticked || ticked.has(s));
    const grant = ctx.store.grant(account.email);
    const scopes =
      p.include_granted_scopes === 'true' ? [...new Set([...grant.scopes, ...granted])] : granted;
    const withRefreshToken =
      p.access_type === 'offline' &&
      !rule.omitRefreshToken &&
      (/\bconsent\b/.test(p.prompt ?? '') || !grant.refreshIssued);
    for (const s of granted) grant.scopes.add(s);
    const code = ctx.store.issueCode({
      email: account.email,
      redirectUri: p.redirect_uri as string,
      challenge: p.code_challenge as string,
      scopes,
      nonce: p.nonce,
      withRefreshToken,
    });
    back.searchParams.set('iss', GOOGLE_ISSUER);
    back.searchParams.set('code', code);
    back.searchParams.set('scope', scopes.join(' '));
    back.searchParams.set('authuser', '0');
    back.searchParams.set('prompt', 'consent');
    return redirect(back.href);
  }

  function authorize(req: Incoming): Reply {
    const p = Object.fromEntries(req.url.searchParams);
    const checked = validate(p);
    let reply: Reply;
    if ('status' in checked) reply = checked;
    else if (ctx.interactive && !ctx.consent.explicit) {
      const id = randomBytes(12).toString('base64url');
      pending.set(id, p);
      reply = html(
        200,
        consentPage(CONSENT_PATH, id, ctx.clientId, [...ctx.store.accounts.values()], checked.scopes),
      );
    } else reply = decide(p, checked.scopes, ctx.consent.take());
    const error =
      reply.status === 302
        ? (new URL(reply.headers?.location ?? '').searchParams.get('error') ?? undefined)
        : undefined;
    const pageError = reply.status >= 400 ? /data-error="([^"]*)"/.exec(String(reply.body))?.[1] : undefined;
    ctx.records.authorizeRequests.push({ params: p, status: reply.status, error: error ?? pageError });
    return reply;
  }

  /** The interactive page's form post. */
  function consent(req: Incoming): Reply {
    const form = new URLSearchParams(req.body.toString('utf8'));
    const p = pending.get(form.get('request') ?? '');
    if (!p) return errorPage(400, 'invalid_request', 'This sign-in request expired; start again.');
    pending.delete(form.get('request') ?? '');
    const email = form.get('email') || form.get('newEmail') || '';
    if (email && !ctx.store.account(email)) ctx.store.addAccount({ email });
    const rule: ConsentRule = {
      email: email || undefined,
      grantScopes: form.getAll('scope'),
      deny: form.get('decision') === 'deny',
    };
    const checked = validate(p);
    return 'status' in checked ? checked : decide(p, checked.scopes, rule);
  }

  function idToken(email: string, scopes: string[], accessToken: string, nonce?: string): string | undefined {
    const account = ctx.store.account(email);
    if (!account || !scopes.includes('openid')) return undefined;
    const iat = nowSeconds();
    const atHash = b64url(createHash('sha256').update(accessToken).digest().subarray(0, 16));
    const emailClaims = scopes.includes(USERINFO_EMAIL)
      ? {
          email: account.email,
          ...(account.emailVerified === null ? {} : { email_verified: account.emailVerified }),
        }
      : {};
    const claims = {
      iss: GOOGLE_ISSUER,
      azp: ctx.clientId,
      aud: ctx.clientId,
      sub: account.sub,
      ...emailClaims,
      at_hash: atHash,
      nonce,
      iat,
      exp: iat + 3600,
    };
    return signJwt(ctx.keys.current, claims);
  }

  function tokenResponse(email: string, scopes: string[], withRefreshToken: boolean, nonce?: string): Reply {
    const t = ctx.store.issueTokens(email, scopes, withRefreshToken);
    return json(200, {
      access_token: t.accessToken,
      expires_in: t.expiresIn,
      refresh_token: t.refreshToken,
      scope: scopes.join(' '),
      token_type: 'Bearer',
      id_token: idToken(email, scopes, t.accessToken, nonce),
    });
  }

  function exchange(p: Record<string, string>): Reply {
    if (p.grant_type === 'authorization_code') {
      const code = p.code ? ctx.store.redeemCode(p.code) : undefined;
      if (!code) return oauthError(400, 'invalid_grant', 'Malformed auth code.');
      if (p.redirect_uri !== code.redirectUri) return oauthError(400, 'redirect_uri_mismatch', 'Bad Request');
      if (!p.code_verifier) return oauthError(400, 'invalid_grant', 'Missing code verifier.');
      if (s256(p.code_verifier) !== code.challenge)
        return oauthError(400, 'invalid_grant', 'Invalid code verifier.');
      return tokenResponse(code.email, code.scopes, code.withRefreshToken, code.nonce);
    }
    if (p.grant_type === 'refresh_token') {
      const rotate = ctx.rotateRefreshTokens();
      const record = p.refresh_token ? ctx.store.useRefreshToken(p.refresh_token, rotate) : undefined;
      if (!record) return oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
      return tokenResponse(record.email, record.scopes, rotate);
    }
    return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${p.grant_type ?? ''}`);
  }

  /** Client authentication by HTTP Basic or by body fields. */
  function token(req: Incoming): Reply {
    const p = bodyParams(req);
    const basic = /^Basic (.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
    const [id, secret] = basic
      ? Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent)
      : [p.client_id, p.client_secret];
    let reply: Reply;
    if (id !== ctx.clientId) reply = oauthError(401, 'invalid_client', 'The OAuth client was not found.');
    else if (!secret) reply = oauthError(400, 'invalid_request', 'client_secret is missing.');
    else if (secret !== ctx.clientSecret) reply = oauthError(401, 'invalid_client', 'Unauthorized');
    else reply = exchange(p);
    ctx.records.tokenRequests.push({ grantType: p.grant_type ?? '', params: p, status: reply.status });
    return reply;
  }

  /** Token in the query (google-auth-library) or the form body (curl examples); either kind revokes the grant. */
  function revoke(req: Incoming): Reply {
    const token = req.url.searchParams.get('token') ?? bodyParams(req).token ?? '';
    const reply = !token
      ? oauthError(400, 'invalid_request', 'Missing required parameter: token')
      : ctx.store.revoke(token)
        ? json(200, {})
        : oauthError(400, 'invalid_token', 'Token expired or revoked');
    ctx.records.revocations.push({ token, status: reply.status });
    return reply;
  }

  function certs(): Reply {
    const maxAge = ctx.certsMaxAgeSeconds;
    return json(200, ctx.keys.certs(), {
      'cache-control': `public, max-age=${maxAge}, must-revalidate, no-transform`,
    });
  }

  return { authorize, consent, token, revoke, certs };
}
