/**
 * Wall-clock arithmetic in a person's IANA time zone, with the platform's Intl data (no library needed
 * for four operations). Local times that do not exist (a DST gap) resolve later, by the gap's length;
 * local times that happen twice (a DST overlap) resolve to the first — Temporal's "compatible" choice.
 */

export interface QuietHours {
  /** Minutes after local midnight; the window runs from start up to (not including) end. */
  start: number;
  end: number;
}

export type Delivery = 'each' | 'hourly' | 'daily';

/** Daily digests are delivered at this local time (minutes after midnight): 08:00. */
export const DAILY_DIGEST_AT = 8 * 60;

const HOUR_MS = 3_600_000;
const QUARTER_MS = 15 * 60_000;
const DAY_MINUTES = 24 * 60;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Whether the platform knows the zone (an IANA name such as Europe/Paris). */
export function isTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  /** Minutes after local midnight. */
  minutes: number;
}

function partsOf(at: number, tz: string) {
  const p: Record<string, number> = {};
  for (const { type, value } of formatter(tz).formatToParts(new Date(at))) p[type] = Number(value);
  return p as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;
}

export function localTime(at: Date, tz: string): LocalTime {
  const p = partsOf(at.getTime(), tz);
  return { year: p.year, month: p.month, day: p.day, minutes: p.hour * 60 + p.minute };
}

/** The zone's offset from UTC at that instant, in ms (positive east of Greenwich). */
function offsetAt(at: number, tz: string): number {
  const p = partsOf(at, tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (at - (((at % 1000) + 1000) % 1000));
}

/** The instants (ms) at which a local wall time happens, earliest first: two in an overlap, one otherwise. */
function instantsOf(l: LocalTime, tz: string): number[] {
  const wall = Date.UTC(l.year, l.month - 1, l.day, 0, l.minutes);
  // Offsets never exceed 14 h: those on either side of any transition near this wall time.
  const candidates = [offsetAt(wall - 14 * HOUR_MS, tz), offsetAt(wall + 14 * HOUR_MS, tz)].map(
    (o) => wall - o,
  );
  const exact = [...new Set(candidates.filter((c) => c + offsetAt(c, tz) === wall))].sort((a, b) => a - b);
  return exact.length > 0 ? exact : [Math.max(...candidates)];
}

/** The instant of a local wall time (minutes may run past a day: the date rolls over). */
export const zonedInstant = (l: LocalTime, tz: string): Date => new Date(instantsOf(l, tz)[0]!);

/** Quiet hours with equal start and end are no quiet hours. */
export function inQuietHours(at: Date, q: QuietHours, tz: string): boolean {
  if (q.start === q.end) return false;
  const m = localTime(at, tz).minutes;
  return q.start < q.end ? m >= q.start && m < q.end : m >= q.start || m < q.end;
}

/**
 * The next instant after `at` at which the local clock shows `minutes` (today's, else tomorrow's).
 * In a repeated hour, `at` in its second pass still reaches today's second occurrence.
 */
export function nextLocal(at: Date, minutes: number, tz: string): Date {
  const l = localTime(at, tz);
  const today = instantsOf({ ...l, minutes }, tz).find((t) => t > at.getTime());
  if (today !== undefined) return new Date(today);
  return zonedInstant({ ...l, minutes: minutes + DAY_MINUTES }, tz);
}

/** When the quiet hours `at` lies in end (the next local `end`). */
export const quietEndAfter = (at: Date, q: QuietHours, tz: string): Date => nextLocal(at, q.end, tz);

/** The next digest instant of a digest mode: the next local full hour, or the next DAILY_DIGEST_AT. */
export function nextDigestAt(at: Date, mode: 'hourly' | 'daily', tz: string): Date {
  if (mode === 'daily') return nextLocal(at, DAILY_DIGEST_AT, tz);
  // Offsets are whole quarter hours: the local clock shows a full hour at one of the next UTC quarter
  // hours (a DST change included, whichever way it goes).
  let t = Math.floor(at.getTime() / QUARTER_MS) * QUARTER_MS + QUARTER_MS;
  while (localTime(new Date(t), tz).minutes % 60 !== 0) t += QUARTER_MS;
  return new Date(t);
}

/**
 * When mail arriving at `at` is to be announced: undefined for at once, else the instant of the digest
 * that carries it (the end of the quiet hours, the next digest time, or a digest time's quiet hours' end).
 */
export function deliveryDue(
  at: Date,
  r: { quiet: QuietHours | null; delivery: Delivery },
  tz: string,
): Date | undefined {
  const quiet = r.quiet && inQuietHours(at, r.quiet, tz) ? quietEndAfter(at, r.quiet, tz) : undefined;
  const digest = r.delivery === 'each' ? undefined : nextDigestAt(at, r.delivery, tz);
  if (!quiet && !digest) return undefined;
  const due = new Date(Math.max(quiet?.getTime() ?? 0, digest?.getTime() ?? 0));
  return r.quiet && inQuietHours(due, r.quiet, tz) ? quietEndAfter(due, r.quiet, tz) : due;
}
