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

/**
 * Slack's mrkdwn made plain: *bold*, _italic_, ~strike~ and `code` marks dropped, <url|label> links shown
 * as `label (url)`, dates as their fallback text, mentions as @id, entities decoded last (so escaped text stays as the person typed it).
 */
export function plain(text: unknown): string {
  if (typeof text !== 'string') return '';
  return text
    .replace(/\*([^*\n]+)\*/g, '$1')
    .replace(/(^|[\s(])_([^_\n]+)_(?=[\s).,:;!?]|$)/gm, '$1$2')
    .replace(/~([^~\n]+)~/g, '$1')
    .replace(/`([^`\n]+)`/g, '$1')
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<(https?:[^>]+)>/g, '$1')
    .replace(/<!date\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<@([A-Z0-9]+)>/g, '@$1')
    .replace(/<!([a-z]+)>/g, '@$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

const textOf = (obj: unknown): string => (isRec(obj) ? plain(obj.text) : '');

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
export function renderBlocks(blocks: unknown[], number: (c: Omit<Control, 'n'>) => number): string[] {
  const out: string[] = [];
  const control = (element: Rec, blockId: string | undefined): string => {
    const actionId = String(element.action_id ?? '');
    const type = String(element.type ?? '');
    if (type === 'button') {
      const label = textOf(element.text);
      const value = typeof element.value === 'string' ? element.value : undefined;
      const n = number({ kind: 'button', blockId, actionId, value, label, element });
      const style = element.style === 'danger' ? ' (!)' : element.style === 'primary' ? ' *' : '';
      return `[${n}] ${label}${style}${typeof element.url === 'string' ? ` -> ${element.url}` : ''}`;
    }
    if (type.includes('select') || type === 'radio_buttons' || type === 'checkboxes' || type === 'overflow') {
      const options = [
        ...list(element.options),
        ...list(element.option_groups).flatMap((g) => list(g.options)),
      ].map((o): [string, string] => [textOf(o.text), String(o.value ?? '')]);
      const label = textOf(element.placeholder) || type.replace(/_/g, ' ');
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
        out.push(`  ${textOf(b.text).toUpperCase()}`, `  ${'='.repeat(Math.min(60, textOf(b.text).length))}`);
        break;
      case 'section': {
        if (b.text) out.push(...indent(textOf(b.text)));
        for (const f of list(b.fields)) out.push(...indent(textOf(f), '    '));
        if (isRec(b.accessory)) out.push(`    ${control(b.accessory, blockId)}`);
        break;
      }
      case 'context':
        out.push(
          `  (${list(b.elements)
            .map((e) => (e.type === 'image' ? `[${String(e.alt_text ?? 'image')}]` : textOf(e)))
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
        const label = textOf(b.label);
        const actionId = String(element.action_id ?? '');
        const isText =
          !String(element.type ?? '').includes('select') &&
          element.type !== 'checkboxes' &&
          element.type !== 'radio_buttons';
        const options = isText
          ? undefined
          : [...list(element.options), ...list(element.option_groups).flatMap((g) => list(g.options))].map(
              (o): [string, string] => [textOf(o.text), String(o.value ?? '')],
            );
        const n = number({ kind: 'input', blockId, actionId, label, options, element });
        const hint = b.optional === true ? ' (optional)' : '';
        const choices = options?.length ? `  choices: ${options.map(([t]) => t).join(' | ')}` : '';
        out.push(`  {${n}} ${label}${hint}${choices}`);
        if (isRec(b.hint)) out.push(`      (${textOf(b.hint)})`);
        break;
      }
      default:
        out.push(`  <${String(b.type)} block>`);
    }
  }
  return out;
}
