import type { z } from 'zod';
import { keyVersion } from './fields';

const GENERATE = 'generate one with: openssl rand -base64 32';

/** Decodes base64 and insists on exactly 32 bytes: anything weaker is refused rather than padded. */
export function decodeAesKey(value: string, ctx: z.RefinementCtx, label = ''): Buffer | undefined {
  const what = label ? `${label} ` : '';
  const trimmed = value.trim();
  const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : Buffer.alloc(0);
  if (bytes.length !== 32) {
    ctx.addIssue({
      code: 'custom',
      message: `${what}must be base64 of exactly 32 random bytes (got ${bytes.length}); ${GENERATE}`,
    });
    return undefined;
  }
  if (new Set(bytes).size < 8) {
    ctx.addIssue({ code: 'custom', message: `${what}is not random enough; ${GENERATE}` });
    return undefined;
  }
  return bytes;
}

/** `v1:<base64>,v2:<base64>`: older keys, still accepted for decryption during a rotation. */
export function parsePreviousKeys(value: string, ctx: z.RefinementCtx): Map<string, Buffer> {
  const keys = new Map<string, Buffer>();
  for (const entry of value.split(',').filter((e) => e.trim() !== '')) {
    const [label = '', material = ''] = entry.trim().split(/:(.*)/s);
    if (!keyVersion.safeParse(label).success || material === '') {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a comma-separated list of <version>:<base64 key>, e.g. v1:AbC...=',
      });
      continue;
    }
    const key = decodeAesKey(material, ctx, `entry ${label}`);
    if (key) keys.set(label, key);
  }
  return keys;
}

/** AGENT_API_KEY: one key, or several separated by commas during a rotation. */
export function parseApiKeys(value: string, ctx: z.RefinementCtx): string[] {
  const keys = value
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  if (keys.some((k) => k.length < 24)) {
    ctx.addIssue({
      code: 'custom',
      message: 'each key must be at least 24 characters, e.g. the output of: openssl rand -hex 32',
    });
  }
  return keys;
}
