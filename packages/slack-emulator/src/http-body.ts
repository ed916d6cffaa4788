import type { IncomingMessage, ServerResponse } from 'node:http';

/** Fields @slack/web-api serializes as JSON strings inside form bodies. */
const JSON_FIELDS = ['blocks', 'attachments', 'metadata', 'view'];

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Parses a form or JSON body merged over the query string, decoding JSON-string fields. */
export function parseArgs(
  req: IncomingMessage,
  raw: string,
  query: URLSearchParams,
): Record<string, unknown> {
  const args: Record<string, unknown> = Object.fromEntries(query);
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json')) {
    const body = parseJson(raw);
    if (isRecord(body)) Object.assign(args, body);
  } else if (type.includes('application/x-www-form-urlencoded')) {
    Object.assign(args, Object.fromEntries(new URLSearchParams(raw)));
  }
  for (const field of JSON_FIELDS) {
    const value = args[field];
    if (typeof value === 'string' && /^\s*[[{]/.test(value)) args[field] = parseJson(value) ?? value;
  }
  return args;
}

export function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Bearer header first, as Slack does; the legacy `token` argument otherwise. */
export function tokenOf(req: IncomingMessage, args: Record<string, unknown>): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ') && header.length > 'Bearer '.length)
    return header.slice('Bearer '.length);
  return typeof args.token === 'string' && args.token !== '' ? args.token : undefined;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
