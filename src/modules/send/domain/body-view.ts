import { replySubject } from './reply-to';
import type { DraftContent } from './types';

/**
 * How much of a body the person can see before Send, and how it is cut into Slack text objects.
 *
 * - A body of at most `PREVIEW_BODY_CHARS` characters fits the preview message and is shown whole
 *   there (at most 3 sections; the message stays far from Slack's 50 blocks).
 * - A longer body, up to `REVIEW_BODY_CHARS`, is shown whole only in the "View full email" modal
 *   (at most 26 sections; the modal stays far from Slack's 100 blocks), and only the modal's Send
 *   can send it.
 * - A longer body is refused at staging: nobody could review it whole.
 *
 * Characters are UTF-16 code units (JavaScript's `length`), never fewer than what Slack counts.
 */
export const PREVIEW_BODY_CHARS = 5_000;
export const REVIEW_BODY_CHARS = 50_000;
/** The tool contract's words for the body argument. */
export const BODY_DESCRIPTION = `Plain-text body, at most ${REVIEW_BODY_CHARS} characters: the person reads all of it before Send.`;

/** One section's text: below Slack's 3,000 characters per text object. */
export const BODY_PART_CHARS = 2_500;
/** A part is cut at a line break, else at a space, within this many characters of its end. */
const BREAK_WINDOW = 500;

/** Whether the preview message shows this body whole (otherwise only the modal does). */
export const fitsPreview = (body: string): boolean => body.length <= PREVIEW_BODY_CHARS;

/** Whether the modal can show this body whole (otherwise it is refused at staging). */
export const fitsReview = (body: string): boolean => body.length <= REVIEW_BODY_CHARS;

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

function cutAt(rest: string, max: number): number {
  const window = rest.slice(0, max);
  const floor = max - BREAK_WINDOW;
  const line = window.lastIndexOf('\n');
  if (line >= floor) return line + 1;
  const space = Math.max(window.lastIndexOf(' '), window.lastIndexOf('\t'));
  if (space >= floor) return space + 1;
  let cut = max;
  // Never between the halves of a surrogate pair, nor between a CR and its LF.
  if (isHighSurrogate(rest.charCodeAt(cut - 1))) cut -= 1;
  if (rest[cut - 1] === '\r' && rest[cut] === '\n') cut -= 1;
  return cut;
}

/**
 * The body in consecutive parts of at most `max` characters whose concatenation is exactly the
 * body. Every part but the last is at least `max - BREAK_WINDOW - 1` characters long, so a body of
 * n characters takes at most ceil(n / (max - BREAK_WINDOW - 1)) + 1 parts.
 */
export function bodyParts(body: string, max = BODY_PART_CHARS): string[] {
  const parts: string[] = [];
  let rest = body;
  while (rest.length > max) {
    const cut = cutAt(rest, max);
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest || parts.length === 0) parts.push(rest);
  return parts;
}

/** What the preview shows whole besides the body: every recipient, each name and the subject in full. */
export const PREVIEW_RECIPIENTS = 50;
export const PREVIEW_ADDRESS_CHARS = 254;
export const PREVIEW_NAME_CHARS = 200;
export const PREVIEW_SUBJECT_CHARS = 998;

/** An email as the preview shows it: the subject is the one sent (a reply's `Re: …`). */
export interface PreviewedEmail {
  to: { address: string; name?: string }[];
  cc: { address: string; name?: string }[];
  bcc: { address: string; name?: string }[];
  subject: string;
  body: string;
}

export const previewedEmail = (c: DraftContent): PreviewedEmail => ({
  ...c,
  subject: replySubject(c.subject, c.reply),
});

/**
 * Whether the preview message shows everything that will be sent: the body whole, every recipient
 * exactly (never "and N more"), each display name and the subject whole. Otherwise only the modal
 * shows it all, and only the modal's Send can send it.
 */
export function previewShowsAll(e: PreviewedEmail): boolean {
  const all = [...e.to, ...e.cc, ...e.bcc];
  return (
    fitsPreview(e.body) &&
    e.subject.length <= PREVIEW_SUBJECT_CHARS &&
    all.length <= PREVIEW_RECIPIENTS &&
    all.every((m) => m.address.length <= PREVIEW_ADDRESS_CHARS && (m.name ?? '').length <= PREVIEW_NAME_CHARS)
  );
}

/**
 * An email the preview cannot show whole is sent only by the modal's Send: a Send button for it
 * (forged, replayed or left over from before an edit) is refused, whatever the preview showed.
 */
export function needsReview<D>(action: string, draft: D, open: (draft: D) => DraftContent): boolean {
  if (action !== 'send') return false;
  let content: DraftContent;
  try {
    content = open(draft);
  } catch {
    return false; // a draft that cannot be opened cannot be sent either: the send job fails it
  }
  return !previewShowsAll(previewedEmail(content));
}
