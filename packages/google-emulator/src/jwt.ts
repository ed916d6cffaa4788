import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { selfSignedCertificatePem } from './x509';

/** An RSA signing key as Google publishes it: a kid and an X.509 certificate (PEM). */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  certPem: string;
}

export const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/** Generates a 2048-bit RSA key; the kid is the SHA-1 of its SPKI, 40 hex chars like Google's kids. */
export function generateSigningKey(commonName = 'federated-signon.system.gserviceaccount.com'): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const kid = createHash('sha1').update(spki).digest('hex');
  return { kid, privateKey, publicKey, certPem: selfSignedCertificatePem(privateKey, publicKey, commonName) };
}

/** Signs a compact RS256 JWS. `header` fields override the defaults (alg, kid, typ). */
export function signJwt(key: SigningKey, payload: object, header: Record<string, unknown> = {}): string {
  const head = b64url(JSON.stringify({ alg: 'RS256', kid: key.kid, typ: 'JWT', ...header }));
  const body = b64url(JSON.stringify(payload));
  const signature = sign('sha256', Buffer.from(`${head}.${body}`), key.privateKey);
  return `${head}.${body}.${b64url(signature)}`;
}

/** Decodes (without verifying) a compact JWS, for tests and for the emulator's own bookkeeping. */
export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [head = '', body = ''] = token.split('.');
  const parse = (part: string) =>
    JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: parse(head), payload: parse(body) };
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** The keys behind the certs URL: the current one signs; the previous one stays published after a rotation. */
export class KeyRing {
  private keys: SigningKey[] = [generateSigningKey()];
  private stranger: SigningKey | undefined;

  get current(): SigningKey {
    return this.keys[0] as SigningKey;
  }

  rotate(): void {
    this.keys = [generateSigningKey(), this.current];
  }

  /** kid → PEM certificate, the format of https://www.googleapis.com/oauth2/v1/certs. */
  certs(): Record<string, string> {
    return Object.fromEntries(this.keys.map((k) => [k.kid, k.certPem]));
  }

  /** A key that is never published, for forged tokens. */
  get unpublished(): SigningKey {
    return (this.stranger ??= generateSigningKey('forger.example.com'));
  }
}
