import { randomBytes } from 'node:crypto';
import { createSealer, signToken, verifyToken } from '../../src/shared/crypto';

const keys = (current: string, entries: Record<string, Buffer>) => ({
  current,
  keys: new Map(Object.entries(entries)),
});

describe('sealer', () => {
  const v1 = randomBytes(32);
  const v2 = randomBytes(32);

  it('when sealing the same text twice, then ciphertexts differ and both open', () => {
    const sealer = createSealer(keys('v1', { v1 }));
    const a = sealer.seal('refresh-token', 'T1|U1');
    const b = sealer.seal('refresh-token', 'T1|U1');
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(sealer.openString(a, 'T1|U1')).toBe('refresh-token');
    expect(sealer.openString(b, 'T1|U1')).toBe('refresh-token');
  });

  it('when the context differs (another user), then opening fails', () => {
    const sealer = createSealer(keys('v1', { v1 }));
    const sealed = sealer.seal('secret', 'T1|U1');
    expect(() => sealer.open(sealed, 'T1|U2')).toThrow(/failed authentication/);
  });

  it('when one byte is flipped, then opening fails', () => {
    const sealer = createSealer(keys('v1', { v1 }));
    const sealed = sealer.seal('secret', 'ctx');
    sealed.ciphertext[sealed.ciphertext.length - 1]! ^= 1;
    expect(() => sealer.open(sealed, 'ctx')).toThrow(/tampered/);
  });

  it('when the key version is relabelled, then opening fails', () => {
    const sealer = createSealer(keys('v2', { v1, v2: v1 }));
    const sealed = sealer.seal('secret', 'ctx');
    expect(() => sealer.open({ ...sealed, keyVersion: 'v1' }, 'ctx')).toThrow(/failed authentication/);
  });

  it('when the version is not configured, then the error names it', () => {
    const old = createSealer(keys('v9', { v9: v2 })).seal('secret', 'ctx');
    expect(() => createSealer(keys('v1', { v1 })).open(old, 'ctx')).toThrow(/version "v9"/);
  });

  it('when rotating, then old ciphertexts open with the previous key and new ones use the current', () => {
    const before = createSealer(keys('v1', { v1 })).seal('secret', 'ctx');
    const after = createSealer(keys('v2', { v1, v2 }));
    expect(after.openString(before, 'ctx')).toBe('secret');
    expect(after.seal('secret', 'ctx').keyVersion).toBe('v2');
  });
});

describe('signed tokens', () => {
  const key = randomBytes(32).toString('hex');

  it('when a token is verified for its purpose, then the payload comes back', () => {
    const token = signToken(key, 'state', { a: 1 });
    expect(verifyToken(key, 'state', token)).toEqual({ a: 1 });
  });

  it('when used for another purpose, altered or signed with another key, then it is rejected', () => {
    const token = signToken(key, 'state', { a: 1 });
    expect(verifyToken(key, 'button', token)).toBeUndefined();
    const [body, mac] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify({ a: 2 })).toString('base64url')}.${mac}`;
    expect(verifyToken(key, 'state', forged)).toBeUndefined();
    expect(verifyToken(randomBytes(32).toString('hex'), 'state', `${body}.${mac}`)).toBeUndefined();
    expect(verifyToken(key, 'state', 'garbage')).toBeUndefined();
  });

  it('when text is added to a valid token (characters base64 decoding would skip), then it is rejected', () => {
    const token = signToken(key, 'state', { a: 1 });
    for (const added of ['!', '%20', ' ', '==', '.x', '\n']) {
      expect(verifyToken(key, 'state', `${token}${added}`)).toBeUndefined();
    }
    const [body, mac] = token.split('.');
    expect(verifyToken(key, 'state', `${body}.!${mac}`)).toBeUndefined();
  });
});
