import { randomBytes } from 'node:crypto';
import type { Account } from './types';

export const SCOPE_PREFIX = 'https://www.googleapis.com/auth/';
export const USERINFO_EMAIL = `${SCOPE_PREFIX}userinfo.email`;
const USERINFO_PROFILE = `${SCOPE_PREFIX}userinfo.profile`;
/** Sign-in scopes cannot be unticked on Google's granular consent screen. */
export const SIGN_IN_SCOPES = new Set(['openid', USERINFO_EMAIL, USERINFO_PROFILE]);
const GMAIL_SCOPES = [
  'gmail.send',
  'gmail.readonly',
  'gmail.metadata',
  'gmail.modify',
  'gmail.compose',
  'gmail.labels',
  'gmail.insert',
];
const KNOWN_SCOPES = new Set([
  ...SIGN_IN_SCOPES,
  ...GMAIL_SCOPES.map((s) => SCOPE_PREFIX + s),
  'https://mail.google.com/',
]);

/** Maps a scope as written in an authorize request to Google's granted form; undefined if unknown. */
export function grantedForm(scope: string): string | undefined {
  if (scope === 'email') return USERINFO_EMAIL;
  if (scope === 'profile') return USERINFO_PROFILE;
  return KNOWN_SCOPES.has(scope) ? scope : undefined;
}

/** Lenient form for test helpers: also accepts `gmail.send` for the full URL. */
export const normalizeScope = (scope: string): string =>
  grantedForm(scope) ?? (scope.includes('/') ? scope : SCOPE_PREFIX + scope);

const ACCESS_TTL_SECONDS = 3599;
const CODE_TTL_MS = 10 * 60 * 1000;
const random = (n: number) => randomBytes(n).toString('base64url');

export interface CodeRecord {
  email: string;
  redirectUri: string;
  challenge: string;
  scopes: string[];
  nonce?: string;
  withRefreshToken: boolean;
  expiresAt: number;
  used: boolean;
}

interface TokenRecord {
  email: string;
  scopes: string[];
  generation: number;
  expiresAt: number;
  active: boolean;
}

/** One OAuth client's view of Google accounts: grants, codes and tokens. */
export class OAuthStore {
  readonly accounts = new Map<string, Account>();
  private readonly grants = new Map<
    string,
    { scopes: Set<string>; generation: number; refreshIssued: boolean }
  >();
  private readonly codes = new Map<string, CodeRecord>();
  private readonly accessTokens = new Map<string, TokenRecord>();
  private readonly refreshTokens = new Map<string, TokenRecord>();

  addAccount(a: { email: string; sub?: string; emailVerified?: boolean | null; name?: string }): Account {
    const existing = this.accounts.get(a.email.toLowerCase());
    if (existing) return existing;
    const sub = a.sub ?? `1${Array.from(randomBytes(20), (b) => b % 10).join('')}`;
    const account = {
      email: a.email,
      sub,
      emailVerified: a.emailVerified === undefined ? true : a.emailVerified,
      name: a.name ?? a.email.split('@')[0] ?? a.email,
    };
    this.accounts.set(a.email.toLowerCase(), account);
    return account;
  }

  account(email: string): Account | undefined {
    return this.accounts.get(email.toLowerCase());
  }

  grant(email: string) {
    const key = email.toLowerCase();
    let grant = this.grants.get(key);
    if (!grant) this.grants.set(key, (grant = { scopes: new Set(), generation: 0, refreshIssued: false }));
    return grant;
  }

  issueCode(record: Omit<CodeRecord, 'expiresAt' | 'used'>): string {
    const code = `4/0${random(48)}`;
    this.codes.set(code, { ...record, expiresAt: Date.now() + CODE_TTL_MS, used: false });
    return code;
  }

  /** Single use: a second redemption fails even if the first one failed a later check. */
  redeemCode(code: string): CodeRecord | undefined {
    const record = this.codes.get(code);
    if (!record || record.used || record.expiresAt < Date.now()) return undefined;
    record.used = true;
    return record;
  }

  issueTokens(email: string, scopes: string[], withRefreshToken: boolean) {
    const grant = this.grant(email);
    const accessToken = `ya29.${random(96)}`;
    const base = { email, scopes, generation: grant.generation, active: true };
    this.accessTokens.set(accessToken, { ...base, expiresAt: Date.now() + ACCESS_TTL_SECONDS * 1000 });
    let refreshToken: string | undefined;
    if (withRefreshToken) {
      refreshToken = `1//${random(72)}`;
      this.refreshTokens.set(refreshToken, { ...base, expiresAt: Number.POSITIVE_INFINITY });
      grant.refreshIssued = true;
    }
    return { accessToken, refreshToken, expiresIn: ACCESS_TTL_SECONDS };
  }

  /** A live refresh token's record; with `rotate`, the token is spent. */
  useRefreshToken(token: string, rotate: boolean): TokenRecord | undefined {
    const record = this.refreshTokens.get(token);
    if (!record || !this.isLive(record)) return undefined;
    if (rotate) record.active = false;
    return record;
  }

  accessToken(token: string): TokenRecord | 'invalid' | 'expired' {
    const record = this.accessTokens.get(token);
    if (!record || !this.isLive(record)) return 'invalid';
    return record.expiresAt <= Date.now() ? 'expired' : record;
  }

  /** Revoking any token revokes the whole grant (every token of the account for this client). */
  revoke(token: string): boolean {
    const record = this.accessTokens.get(token) ?? this.refreshTokens.get(token);
    if (!record || !this.isLive(record) || record.expiresAt <= Date.now()) return false;
    this.revokeAll(record.email);
    return true;
  }

  revokeAll(email: string): void {
    const grant = this.grant(email);
    grant.generation += 1;
    grant.scopes.clear();
    grant.refreshIssued = false;
  }

  expireAccessTokens(email: string): void {
    for (const record of this.accessTokens.values()) {
      if (record.email.toLowerCase() === email.toLowerCase()) record.expiresAt = Date.now() - 1;
    }
  }

  private isLive(record: TokenRecord): boolean {
    return record.active && record.generation === this.grant(record.email).generation;
  }
}
