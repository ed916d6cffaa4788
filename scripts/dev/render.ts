/**
 * Block Kit as terminal text for the dev console: headers, sections (text, fields, accessory), context,
 * dividers, images, rich text, actions and inputs. Every interactive element gets a number from `number`
 * so the console can press it (`click <n>`) or fill it (`set <n> <text>`).
 */

type Rec = Record<string, unknown>;

/** An element the console can press or fill, as numbered on screen. */
export interface Control {
  n: number;
  kind: 'button' | 'select' | 'input';
  blockId?: string;
  actionId: string;
  /** A button's value. */
  value?: string;
  label: string;
  /** For selects: the options as [shown text, value]. */
  options?: [string, string][];
  element: Rec;
}

const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): Rec[] => (Array.isArray(v) ? v.filter(isRec) : []);

/** How dates are shown: in the dev user's Slack time zone, relative to `now`. */
export interface RenderOptions {
  timeZone?: string;
  now?: Date;
}

const ORDINAL: Record<string, string> = { one: 'st', two: 'nd', few: 'rd', other: 'th' };
const ordinals = new Intl.PluralRules('en-US', { type: 'ordinal' });

/**
 * A `<!date^ts^format|fallback>` as Slack shows it to a person in `timeZone` ({date_num}, {date},
 * {date_short}, {date_long}, their _pretty forms, {time}, {time_secs}, {ago}); the fallback when the zone
 * is not known or not one, or a token is unknown.
 */
export function slackDate(seconds: number, format: string, fallback: string, o: RenderOptions = {}): string {
  if (!o.timeZone) return fallback;
  try {
    const at = new Date(seconds * 1000);
    const f = (opts: Intl.DateTimeFormatOptions) =>
      new Intl.DateTimeFormat('en-US', { timeZone: o.timeZone, ...opts }).format(at);
    const day = Number(f({ day: 'numeric' }));
    const date = (month: 'long' | 'short') =>
      `${f({ month })} ${month === 'long' ? `${day}${ORDINAL[ordinals.select(day)]}` : day}, ${f({ year: 'numeric' })}`;
    const ymd = (d: Date) =>
      new Intl.DateTimeFormat('en-CA', { timeZone: o.timeZone, dateStyle: 'short' }).format(d);
    const now = o.now ?? new Date();
    const pretty = (otherwise: string) => {
      const dayMs = 86_400_000;
      const near = [
        [ymd(now), 'today'],
        [ymd(new Date(now.getTime() - dayMs)), 'yesterday'],
        [ymd(new Date(now.getTime() + dayMs)), 'tomorrow'],
      ].find(([d]) => d === ymd(at));
      return near ? near[1]! : otherwise;
    };
    const ago = () => {
      const s = Math.round((at.getTime() - now.getTime()) / 1000);
      const [n, unit] = (
        [
          [86_400, 'day'],
          [3600, 'hour'],
          [60, 'minute'],
          [1, 'second'],
        ] as const
      ).find(([size]) => Math.abs(s) >= size) ?? [1, 'second'];
      return new Intl.RelativeTimeFormat('en-US', { numeric: 'auto' }).format(Math.trunc(s / n), unit);
    };
    const tokens: Record<string, () => string> = {
      date_num: () => ymd(at),
      date: () => date('long'),
      date_short: () => date('short'),
      date_long: () => `${f({ weekday: 'long' })}, ${date('long')}`,
      date_pretty: () => pretty(date('long')),
      date_short_pretty: () => pretty(date('short')),
      date_long_pretty: () => pretty(`${f({ weekday: 'long' })}, ${date('long')}`),
      time: () => f({ hour: 'numeric', minute: '2-digit' }),
      time_secs: () => f({ hour: 'numeric', minute: '2-digit', second: '2-digit' }),
      ago,
    };
    const names = [...format.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    if (!Number.isFinite(seconds) || names.some((n) => !tokens[n])) return fallback;
    return format.replace(/\{(\w+)\}/g, (_, n: string) => tokens[n]!());
  } catch {
    return fallback;
  }
}

/**
 * Slack's mrkdwn made plain: *bold*, _italic_, ~strike~ and `code` marks dropped, <url|label> links shown
 * as `label (url)`, dates in the reader's time zone, mentions as @id, entities decoded last (so escaped text
 * stays as the person typed it).
 */
export function plain(text: unknown, o: RenderOptions = {}): string {
  if (typeof text !== 'string') return '';
  return text
    .replace(/\*([^*\n]+)\*/g, '$1')
    .replace(/(^|[\s(])_([^_\n]+)_(?=[\s).,:;!?]|$)/gm, '$1$2')
    .replace(/~([^~\n]+)~/g, '$1')
    .replace(/`([^`\n]+)`/g, '$1')
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<(https?:[^>]+)>/g, '$1')
    .replace(
      /<!date\^(\d+)\^([^^|>]*)(?:\^[^|>]*)?\|([^>]*)>/g,
      (_, ts: string, format: string, fallback: string) => slackDate(Number(ts), format, fallback, o),
    )
    .replace(/<@([A-Z0-9]+)>/g, '@$1')
    .replace(/<!([a-z]+)>/g, '@$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** A text object as shown: plain_text exactly as written (Slack formats nothing in it), mrkdwn made plain. */
export function textOf(obj: unknown, o: RenderOptions = {}): string {
  if (!isRec(obj)) return '';
  if (obj.type === 'plain_text') return typeof obj.text === 'string' ? obj.text : '';
  return plain(obj.text, o);
}

/** The shown texts of the options whose values are given (the value itself when no option has it). */
export function optionLabels(options: [string, string][] | undefined, values: string[]): string[] {
  return values.map((v) => options?.find(([, value]) => value === v)?.[0] ?? v);
}

function indent(text: string, prefix = '  '): string[] {
  return text.split('\n').map((line) => `${prefix}${line}`);
}

function richText(block: Rec): string {
  const walk = (nodes: unknown): string =>
    list(nodes)
      .map((n) => {
        if (typeof n.text === 'string') return n.text;
        if (n.type === 'link') return String(n.url ?? '');
        if (n.type === 'user') return `@${String(n.user_id ?? '')}`;
        if (n.type === 'rich_text_list')
          return list(n.elements)
            .map((e) => `• ${walk(e.elements)}`)
            .join('\n');
        return walk(n.elements);
      })
      .join('');
  return list(block.elements)
    .map((e) => walk(e.elements))
    .join('\n');
}

/** Renders blocks; `number` hands out the next control number and keeps what it stands for. */
export function renderBlocks(
  blocks: unknown[],
  number: (c: Omit<Control, 'n'>) => number,
  o: RenderOptions = {},
): string[] {
  const out: string[] = [];
  const show = (obj: unknown): string => textOf(obj, o);
  const control = (element: Rec, blockId: string | undefined): string => {
    const actionId = String(element.action_id ?? '');
    const type = String(element.type ?? '');
    if (type === 'button') {
      const label = show(element.text);
      const value = typeof element.value === 'string' ? element.value : undefined;
      const n = number({ kind: 'button', blockId, actionId, value, label, element });
      const style = element.style === 'danger' ? ' (!)' : element.style === 'primary' ? ' *' : '';
      return `[${n}] ${label}${style}${typeof element.url === 'string' ? ` -> ${element.url}` : ''}`;
    }
    if (type.includes('select') || type === 'radio_buttons' || type === 'checkboxes' || type === 'overflow') {
      const options = [
        ...list(element.options),
        ...list(element.option_groups).flatMap((g) => list(g.options)),
      ].map((opt): [string, string] => [show(opt.text), String(opt.value ?? '')]);
      const label = show(element.placeholder) || type.replace(/_/g, ' ');
      const n = number({ kind: 'select', blockId, actionId, label, options, element });
      const shown = options.length > 0 ? `: ${options.map(([t]) => t).join(' | ')}` : '';
      return `[${n}] <${label}${shown}>`;
    }
    return `<${type}>`;
  };

  for (const raw of blocks) {
    if (!isRec(raw)) continue;
    const b = raw;
    const blockId = typeof b.block_id === 'string' ? b.block_id : undefined;
    switch (b.type) {
      case 'header':
        out.push(`  ${show(b.text).toUpperCase()}`, `  ${'='.repeat(Math.min(60, show(b.text).length))}`);
        break;
      case 'section': {
        if (b.text) out.push(...indent(show(b.text)));
        for (const f of list(b.fields)) out.push(...indent(show(f), '    '));
        if (isRec(b.accessory)) out.push(`    ${control(b.accessory, blockId)}`);
        break;
      }
      case 'context':
        out.push(
          `  (${list(b.elements)
            .map((e) => (e.type === 'image' ? `[${String(e.alt_text ?? 'image')}]` : show(e)))
            .join(' · ')})`,
        );
        break;
      case 'divider':
        out.push(`  ${'-'.repeat(40)}`);
        break;
      case 'image':
        out.push(`  [image: ${String(b.alt_text ?? '')}]`);
        break;
      case 'rich_text':
        out.push(...indent(richText(b)));
        break;
      case 'actions':
        out.push(
          `  ${list(b.elements)
            .map((e) => control(e, blockId))
            .join('  ')}`,
        );
        break;
      case 'input': {
        const element = isRec(b.element) ? b.element : {};
        const label = show(b.label);
        const actionId = String(element.action_id ?? '');
        const isText =
          !String(element.type ?? '').includes('select') &&
          element.type !== 'checkboxes' &&
          element.type !== 'radio_buttons';
        const options = isText
          ? undefined
          : [...list(element.options), ...list(element.option_groups).flatMap((g) => list(g.options))].map(
              (opt): [string, string] => [show(opt.text), String(opt.value ?? '')],
            );
        const n = number({ kind: 'input', blockId, actionId, label, options, element });
        const hint = b.optional === true ? ' (optional)' : '';
        const choices = options?.length ? `  choices: ${options.map(([t]) => t).join(' | ')}` : '';
        out.push(`  {${n}} ${label}${hint}${choices}`);
        if (isRec(b.hint)) out.push(`      (${show(b.hint)})`);
        break;
      }
      default:
        out.push(`  <${String(b.type)} block>`);
    }
  }
  return out;
}
