import type { GmailMessage } from './types';

const header = (m: GmailMessage, name: string) =>
  m.headers
    .filter((h) => h.name.toLowerCase() === name)
    .map((h) => h.value)
    .join(', ');

const stripAngles = (s: string) => s.trim().replace(/^<(.*)>$/, '$1');

/** Splits a Gmail search into terms, keeping quoted phrases and `field:"quoted value"` together. */
function terms(q: string): string[] {
  return (q.match(/(?:[^\s"]+:)?"[^"]*"|\S+/g) ?? []).map((t) => t.replace(/"/g, ''));
}

function matchesTerm(m: GmailMessage, term: string): boolean {
  const colon = term.indexOf(':');
  const field = colon > 0 ? term.slice(0, colon).toLowerCase() : '';
  const value = (colon > 0 ? term.slice(colon + 1) : term).toLowerCase();
  const labels = m.labelIds.map((l) => l.toLowerCase());
  const contains = (text: string) => text.toLowerCase().includes(value);
  switch (field) {
    case 'rfc822msgid':
      return stripAngles(header(m, 'message-id')).toLowerCase() === stripAngles(value);
    case 'in':
    case 'label':
      return value === 'anywhere' || labels.includes(value);
    case 'is':
      return value === 'read' ? !labels.includes('unread') : labels.includes(value);
    case 'from':
    case 'to':
    case 'cc':
    case 'subject':
      return contains(header(m, field));
    default:
      return contains(`${header(m, 'subject')} ${header(m, 'from')} ${m.body}`);
  }
}

/** A small subset of Gmail search: rfc822msgid:, in:, label:, is:, from:, to:, cc:, subject:, free text (AND). */
export function matchesQuery(m: GmailMessage, q: string): boolean {
  return terms(q).every((t) => matchesTerm(m, t));
}

export const encodePageToken = (position: string): string =>
  Buffer.from(`p:${position}`).toString('base64url');

export function decodePageToken(token: string | null): string | undefined {
  if (!token) return undefined;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  return text.startsWith('p:') ? text.slice(2) : undefined;
}

/** maxResults as Gmail reads it: default 100, at most 500. */
export function pageSize(value: string | null): number {
  const n = Number(value ?? 100);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 500) : 100;
}
