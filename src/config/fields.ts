import { z } from 'zod';

/**
 * Field builders for the configuration schema. Every message says what is wrong and shows a value that would be
 * accepted (SPEC section 2), so an operator can fix a boot from the error alone.
 */

export const url = (example: string) =>
  z
    .string({ error: `is required, e.g. ${example}` })
    .trim()
    .refine((v) => URL.canParse(v), { message: `must be an absolute URL, e.g. ${example}` });

export const withSlash = (v: string) => (v.endsWith('/') ? v : `${v}/`);
export const withoutSlash = (v: string) => v.replace(/\/+$/, '');

export const required = (example: string) =>
  z
    .string({ error: `is required, e.g. ${example}` })
    .trim()
    .min(1, `is required, e.g. ${example}`);

/** A whole number of at least `min`; the default doubles as the example. */
export const wholeNumber = (fallback: number, min: number) => {
  const message = `must be a whole number of at least ${min}, e.g. ${fallback}`;
  return z.coerce.number({ error: message }).int(message).min(min, message).default(fallback);
};

export const positiveInt = (fallback: number) => wholeNumber(fallback, 1);

export const port = (fallback: number) => {
  const message = `must be a port number from 0 to 65535, e.g. ${fallback}`;
  return z.coerce
    .number({ error: message })
    .int(message)
    .min(0, message)
    .max(65535, message)
    .default(fallback);
};

export const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false'], { error: `must be true or false, e.g. ${fallback}` })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true');

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}, e.g. ${fallback}` }).default(fallback);

export const keyVersion = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be a short label of letters, digits, - or _, e.g. v2');

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;

/** A comma-separated list of email domains, lowercased (`Example.com, partner.org`); empty means none. */
export const domainList = (example: string) =>
  z
    .string()
    .default('')
    .transform((v, ctx) => {
      const domains = v
        .split(',')
        .map((d) => d.trim().toLowerCase().replace(/\.$/, ''))
        .filter((d) => d !== '');
      const bad = domains.find((d) => !DOMAIN.test(d));
      if (bad !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `"${bad}" is not a domain: give domains only, separated by commas, e.g. ${example}`,
        });
        return z.NEVER;
      }
      return [...new Set(domains)] as readonly string[];
    });
