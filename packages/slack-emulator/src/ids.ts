import { randomBytes } from 'node:crypto';

const ALPHANUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A Slack-looking id such as `C0123ABCD`: prefix plus upper-case alphanumerics. */
export function slackId(prefix: string, length = 10): string {
  const bytes = randomBytes(length);
  let id = prefix;
  for (const b of bytes) id += ALPHANUM[b % ALPHANUM.length];
  return id;
}

/** Random lower-case hex, for tickets, envelope ids and response_url ids. */
export function randomHex(bytes = 16): string {
  return randomBytes(bytes).toString('hex');
}

/**
 * Message timestamps: `seconds.micros` strings from the wall clock, as Slack's are (so `oldest` and
 * `latest` of conversations.history mean times), kept strictly increasing, at least 100 µs apart.
 */
export function createTsClock(now: () => number = Date.now): () => string {
  let micros = 0;
  return () => {
    micros = Math.max(now() * 1000, micros + 100);
    const seconds = Math.floor(micros / 1_000_000);
    const fraction = String(micros % 1_000_000).padStart(6, '0');
    return `${seconds}.${fraction}`;
  };
}
