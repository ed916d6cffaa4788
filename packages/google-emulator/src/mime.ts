/** An RFC 5322 message as Gmail would understand it; header values are unfolded and RFC 2047-decoded. */
export interface ParsedMessage {
  /** Lowercase name → decoded value; repeated fields are joined with ", ". */
  headers: Record<string, string>;
  /** Every field in order, decoded. */
  headerList: Array<{ name: string; value: string }>;
  /** Every field exactly as received, folding kept. */
  headerLines: string[];
  /** The header block exactly as received. */
  rawHeaders: string;
  /** False when the header block holds raw 8-bit bytes instead of encoded-words. */
  headersAscii: boolean;
  /** The text/plain body, decoded per Content-Transfer-Encoding and charset, line ends as LF. */
  body: string;
  html?: string;
  to: string[];
  cc: string[];
  bcc: string[];
  messageIdHeader?: string;
}

interface Part {
  fields: Array<{ name: string; raw: string; value: string }>;
  body: string; // latin1: one char per byte
}

/** Parses RFC 822 bytes (CRLF or LF line ends). */
export function parseMessage(raw: Buffer): ParsedMessage {
  const source = raw.toString('latin1');
  const top = splitPart(source);
  const headerList = top.fields.map((f) => ({ name: f.name, value: decodeHeaderValue(f.value) }));
  const headers: Record<string, string> = {};
  for (const { name, value } of headerList) {
    const key = name.toLowerCase();
    headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
  }
  const rawField = (name: string) =>
    top.fields
      .filter((f) => f.name.toLowerCase() === name)
      .map((f) => f.value)
      .join(', ');
  const texts = collectTexts(top);
  const end = source.search(/\r?\n\r?\n/);
  const rawHeaders = end < 0 ? source : source.slice(0, end);
  return {
    headers,
    headerList,
    headerLines: top.fields.map((f) => f.raw),
    rawHeaders: Buffer.from(rawHeaders, 'latin1').toString('utf8'),
    headersAscii: !/[\x80-\xff]/.test(rawHeaders),
    body: texts.plain ?? '',
    html: texts.html,
    to: parseAddressList(rawField('to')),
    cc: parseAddressList(rawField('cc')),
    bcc: parseAddressList(rawField('bcc')),
    messageIdHeader: headers['message-id']?.trim(),
  };
}

function splitPart(source: string): Part {
  const match = /\r?\n\r?\n/.exec(source);
  const head = match ? source.slice(0, match.index) : source;
  const body = match ? source.slice(match.index + match[0].length) : '';
  const fields: Part['fields'] = [];
  for (const line of head.split(/\r?\n/)) {
    const last = fields[fields.length - 1];
    if (/^[ \t]/.test(line) && last) {
      last.raw += `\r\n${line}`;
      last.value += line; // unfolding removes only the line break
    } else if (line.includes(':')) {
      const colon = line.indexOf(':');
      fields.push({
        name: line.slice(0, colon).trim(),
        raw: line,
        value: line.slice(colon + 1).replace(/^[ \t]+/, ''),
      });
    }
  }
  return { fields, body };
}

const ENCODED_WORD = /=\?([^?*]+)(?:\*[^?]*)?\?([BbQq])\?([^?]*)\?=/g;

/**
 * Decodes RFC 2047 encoded-words. Each word is decoded on its own: RFC 2047 requires every word to
 * hold whole characters, so an encoder that splits a UTF-8 sequence shows up as U+FFFD here.
 */
export function decodeHeaderValue(latin1: string): string {
  const joined = latin1.replace(/(\?=)[ \t]+(?==\?)/g, '$1');
  const out = joined.replace(ENCODED_WORD, (_m, charset: string, enc: string, text: string) => {
    const bytes =
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          );
    return Buffer.from(decodeCharset(bytes, charset), 'utf8').toString('latin1');
  });
  return Buffer.from(out, 'latin1').toString('utf8'); // raw 8-bit header text is taken as UTF-8, like Gmail
}

function decodeCharset(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset.trim().toLowerCase()).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

function contentType(part: Part): { type: string; params: Record<string, string> } {
  const field = part.fields.find((f) => f.name.toLowerCase() === 'content-type')?.value ?? 'text/plain';
  const [type = 'text/plain', ...rest] = field.split(';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq > 0)
      params[p.slice(0, eq).trim().toLowerCase()] = p
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1');
  }
  return { type: type.trim().toLowerCase(), params };
}

function decodeBody(part: Part, charset: string): string {
  const cte = part.fields
    .find((f) => f.name.toLowerCase() === 'content-transfer-encoding')
    ?.value.trim()
    .toLowerCase();
  let bytes: Buffer;
  if (cte === 'base64') bytes = Buffer.from(part.body.replace(/\s+/g, ''), 'base64');
  else if (cte === 'quoted-printable') {
    const text = part.body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    bytes = Buffer.from(text, 'latin1');
  } else bytes = Buffer.from(part.body, 'latin1');
  return decodeCharset(bytes, charset).replace(/\r\n/g, '\n');
}

function collectTexts(
  part: Part,
  found: { plain?: string; html?: string } = {},
): { plain?: string; html?: string } {
  const { type, params } = contentType(part);
  if (type.startsWith('multipart/') && params.boundary) {
    const chunks = part.body.split(
      new RegExp(`\\r?\\n?--${escapeRegExp(params.boundary)}(?:--)?[ \\t]*\\r?\\n?`),
    );
    for (const chunk of chunks.slice(1)) if (chunk.trim()) collectTexts(splitPart(chunk), found);
  } else if (type === 'text/plain' && found.plain === undefined)
    found.plain = decodeBody(part, params.charset ?? 'us-ascii');
  else if (type === 'text/html' && found.html === undefined)
    found.html = decodeBody(part, params.charset ?? 'us-ascii');
  return found;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Addresses (addr-spec only) of an address-list header, as written; groups and comments are dropped. */
export function parseAddressList(value: string): string[] {
  const items: string[] = [];
  let current = '';
  let quoted = false;
  let angle = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '\\' && quoted) {
      current += c + (value[++i] ?? '');
      continue;
    }
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '<') angle++;
    else if (!quoted && c === '>') angle--;
    if (!quoted && angle === 0 && (c === ',' || c === ';')) {
      items.push(current);
      current = '';
    } else current += c;
  }
  items.push(current);
  return items
    .map((item) => {
      const angled = /<([^>]*)>/.exec(item);
      const bare = item.replace(/\([^)]*\)/g, '').replace(/^[^"<]*:/, '');
      return (angled ? (angled[1] ?? '') : bare).trim();
    })
    .filter((a) => a.length > 0);
}
