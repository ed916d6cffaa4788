import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { loadConfig } from '../../src/config';
import { createSealer } from '../../src/shared/crypto';
import { tokenContext } from '../../src/modules/connect/connection-store';
import type { Stack } from './stack';

export const SEND_SCOPE = 'https://www.googleapis.com/auth/gmail.send';
export const METADATA_SCOPE = 'https://www.googleapis.com/auth/gmail.metadata';
export const READONLY_SCOPE = 'https://www.googleapis.com/auth/gmail.readonly';

export interface SeededConnection {
  id: string;
  teamId: string;
  userId: string;
  email: string;
  sub: string;
  refreshToken: string;
}

/**
 * Arranges a connected user without the browser flow: a real grant is obtained from the Google
 * emulator through its OAuth protocol, sealed with the server's configured key and stored as the
 * connect flow stores it. Use `connectUser` (connect-flow.ts) when the flow itself is under test.
 */
export async function seedConnection(
  stack: Stack,
  p: { userId: string; email: string; teamId?: string; scopes?: string[] },
): Promise<SeededConnection> {
  const teamId = p.teamId ?? stack.slack.teamId;
  const scopes = p.scopes ?? [SEND_SCOPE];
  const account = stack.google.addAccount({ email: p.email });
  stack.google.setConsent({ email: p.email, grantScopes: [...scopes, 'openid', 'email'], times: 1 });
  const verifier = randomBytes(32).toString('base64url');
  const redirectUri = `${stack.baseUrl}/oauth/google/callback`;
  const authorize = new URL(stack.google.urls.authUrl);
  authorize.search = new URLSearchParams({
    client_id: stack.google.clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: [...scopes, 'openid', 'email'].join(' '),
    state: 'seed',
    access_type: 'offline',
    prompt: 'consent',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const redirect = await fetch(authorize, { redirect: 'manual' });
  const code = new URL(redirect.headers.get('location') ?? '').searchParams.get('code');
  if (!code) throw new Error(`emulator did not authorize: ${redirect.status}`);
  const tokenRes = await fetch(stack.google.urls.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: redirectUri,
      client_id: stack.google.clientId,
      client_secret: stack.google.clientSecret,
    }),
  });
  const tokens = (await tokenRes.json()) as { refresh_token?: string; scope?: string };
  if (!tokens.refresh_token) throw new Error('emulator returned no refresh token');
  const sealer = createSealer(loadConfig(stack.env).encryptionKeys);
  const sealed = sealer.seal(tokens.refresh_token, tokenContext(teamId, p.userId));
  const db = new Client({ connectionString: stack.db.url });
  await db.connect();
  try {
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO gmail_connections (id, team_id, user_id, google_sub, email, scopes, status, sealed_token, key_version, connected_at, updated_at)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, 'active', $6, $7, now(), now())
       ON CONFLICT (team_id, user_id) DO UPDATE SET google_sub = EXCLUDED.google_sub, email = EXCLUDED.email, scopes = EXCLUDED.scopes,
         status = 'active', sealed_token = EXCLUDED.sealed_token, key_version = EXCLUDED.key_version, updated_at = now()
       RETURNING id`,
      [
        teamId,
        p.userId,
        account.sub,
        p.email.toLowerCase(),
        (tokens.scope ?? '').split(' ').filter(Boolean),
        sealed.ciphertext,
        sealed.keyVersion,
      ],
    );
    return {
      id: rows[0]!.id,
      teamId,
      userId: p.userId,
      email: p.email.toLowerCase(),
      sub: account.sub,
      refreshToken: tokens.refresh_token,
    };
  } finally {
    await db.end();
  }
}
