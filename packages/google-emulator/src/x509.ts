import { randomBytes, sign, type KeyObject } from 'node:crypto';

// Google publishes X.509 certificates, not bare public keys, at the PEM certs URL. google-auth-library
// (crypto.createVerify) accepts either, but other verifiers (jose's importX509, for one) need a
// certificate, so the emulator serves real self-signed ones built with this minimal DER writer.

const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const COMMON_NAME = '2.5.4.3';

function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  if (n < 0x80) return Buffer.concat([Buffer.from([tag, n]), content]);
  const len: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) len.unshift(v % 256);
  return Buffer.concat([Buffer.from([tag, 0x80 | len.length, ...len]), content]);
}

const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));

function oid(dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * a + b];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function utcTime(d: Date): Buffer {
  const iso = d.toISOString(); // 2024-01-02T03:04:05.000Z → 240102030405Z
  const text =
    iso.slice(2, 4) +
    iso.slice(5, 7) +
    iso.slice(8, 10) +
    iso.slice(11, 13) +
    iso.slice(14, 16) +
    iso.slice(17, 19) +
    'Z';
  return tlv(0x17, Buffer.from(text, 'ascii'));
}

const name = (cn: string) => seq(tlv(0x31, seq(oid(COMMON_NAME), tlv(0x0c, Buffer.from(cn, 'utf8')))));
const algorithm = seq(oid(SHA256_WITH_RSA), Buffer.from([0x05, 0x00]));

/** A self-signed X.509 v3 certificate (sha256WithRSAEncryption, valid from yesterday for 30 days). */
export function selfSignedCertificatePem(
  privateKey: KeyObject,
  publicKey: KeyObject,
  commonName: string,
): string {
  const serial = randomBytes(8);
  serial[0] = ((serial[0] ?? 0) & 0x3f) | 0x40; // positive, minimal DER INTEGER
  const day = 24 * 3600 * 1000;
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // [0] EXPLICIT version v3
    tlv(0x02, serial),
    algorithm,
    name(commonName),
    seq(utcTime(new Date(Date.now() - day)), utcTime(new Date(Date.now() + 30 * day))),
    name(commonName),
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, algorithm, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
