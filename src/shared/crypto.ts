import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { defineErrors } from './errors';
import type { EncryptionKeys } from '../config';

/**
 * Sealed secrets are AES-256-GCM with a random 96-bit nonce. The AAD binds the context (e.g. team
 * and user) and the key version, so a ciphertext moved to another row or relabelled fails to open.
 * Layout: 1 byte format | 12 bytes nonce | 16 bytes tag | ciphertext.
 */
const FORMAT = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** Stored secrets that cannot be opened: damaged data or a missing key, never fixed by a retry. */
export const sealErrors = defineErrors({
  unknown_key_version: 'internal',
  sealed_data_corrupt: 'internal',
  sealed_data_tampered: 'internal',
});
export type SealErrorCode = (typeof sealErrors.codes)[number];

export interface Sealed {
  ciphertext: Buffer;
  keyVersion: string;
}

export interface Sealer {
  readonly currentVersion: string;
  seal(plaintext: string | Buffer, context: string): Sealed;
  open(sealed: Sealed, context: string): Buffer;
  openString(sealed: Sealed, context: string): string;
}

const aad = (context: string, keyVersion: string) =>
  Buffer.from(`mailbridge|${keyVersion}|${context}`, 'utf8');

export function createSealer(keys: EncryptionKeys): Sealer {
  const keyFor = (version: string) => {
    const key = keys.keys.get(version);
    if (!key) {
      throw sealErrors.fail(
        'unknown_key_version',
        `no encryption key is configured for version "${version}"`,
      );
    }
    return key;
  };

  const open = (sealed: Sealed, context: string): Buffer => {
    const key = keyFor(sealed.keyVersion);
    const data = sealed.ciphertext;
    if (data.length < 1 + NONCE_BYTES + TAG_BYTES || data[0] !== FORMAT) {
      throw sealErrors.fail('sealed_data_corrupt', 'sealed data has an unknown format');
    }
    const nonce = data.subarray(1, 1 + NONCE_BYTES);
    const tag = data.subarray(1 + NONCE_BYTES, 1 + NONCE_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAAD(aad(context, sealed.keyVersion));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(data.subarray(1 + NONCE_BYTES + TAG_BYTES)), decipher.final()]);
    } catch (cause) {
      throw sealErrors.fail(
        'sealed_data_tampered',
        'sealed data failed authentication (tampered or wrong key)',
        { cause },
      );
    }
  };

  return {
    currentVersion: keys.current,
    seal(plaintext, context) {
      const keyVersion = keys.current;
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', keyFor(keyVersion), nonce);
      cipher.setAAD(aad(context, keyVersion));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return {
        ciphertext: Buffer.concat([Buffer.from([FORMAT]), nonce, cipher.getAuthTag(), body]),
        keyVersion,
      };
    },
    open,
    openString: (sealed, context) => open(sealed, context).toString('utf8'),
  };
}

export function hmac(key: string | Buffer, ...parts: string[]): Buffer {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(`${part.length}:${part}`);
  return mac.digest();
}

export function hmacHex(key: string | Buffer, ...parts: string[]): string {
  return hmac(key, ...parts).toString('hex');
}

export function safeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const x = Buffer.isBuffer(a) ? a : Buffer.from(a);
  const y = Buffer.isBuffer(b) ? b : Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Signs a compact token `<payload b64url>.<mac b64url>` with a purpose label, so tokens of one kind never verify as another. */
export function signToken(key: string, purpose: string, payload: object): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${hmac(key, purpose, body).toString('base64url')}`;
}

const TOKEN_SHAPE = /^[\w-]+\.[\w-]+$/;

export function verifyToken<T>(key: string, purpose: string, token: string): T | undefined {
  // Only the exact shape, compared as text: base64 decoding skips characters outside its alphabet,
  // so comparing decoded bytes would accept a valid token with text added to it.
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const [body, mac] = token.split('.') as [string, string];
  if (!safeEqual(mac, hmac(key, purpose, body).toString('base64url'))) return undefined;
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

/**
 * A signed value Slack carries back to us (a button's value, a modal's private_metadata): one longer than
 * Slack would allow is refused unread; otherwise its claims as signed, each still to be checked.
 */
export function verifySlackToken<T>(
  key: string,
  purpose: string,
  token: string,
  maxLength: number,
): Partial<T> | undefined {
  if (token.length > maxLength) return undefined;
  return verifyToken<Partial<T>>(key, purpose, token);
}

type StringKeys<T> = { [K in keyof T]-?: T[K] extends string ? K : never }[keyof T];

/** Whether each named claim is a string (the claims are present and were signed as an object). */
export function hasStringClaims<T, K extends StringKeys<T>>(
  claims: Partial<T> | undefined,
  keys: readonly K[],
): claims is Partial<T> & Pick<T, K> {
  return !!claims && keys.every((k) => typeof claims[k] === 'string');
}

export const randomId = (bytes = 16) => randomBytes(bytes).toString('base64url');
