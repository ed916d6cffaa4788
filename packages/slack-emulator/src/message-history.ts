import { botMessage } from './bot-message';
import { isRecord } from './http-body';
import type { MethodContext, MethodResult } from './web-api-methods';
import type { StoredMessage } from './workspace';

type Args = Record<string, unknown>;
export type MessageMetadata = NonNullable<StoredMessage['metadata']>;

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 999;

/**
 * chat.postMessage's `metadata` ({event_type, event_payload}, an object or its JSON text): absent,
 * valid, or Slack's `invalid_metadata_format` / `invalid_metadata_schema` refusal.
 */
export function metadataOf(args: Args): { metadata?: MessageMetadata; error?: string } {
  const raw = args.metadata;
  if (raw === undefined || raw === '') return {};
  if (!isRecord(raw)) return { error: 'invalid_metadata_format' };
  const { event_type: type, event_payload: payload } = raw;
  if (typeof type !== 'string' || type === '' || !isRecord(payload)) {
    return { error: 'invalid_metadata_schema' };
  }
  return { metadata: { event_type: type, event_payload: payload } };
}

const flag = (value: unknown) => value === true || value === 'true' || value === '1' || value === 1;

/** Slack's cursors are opaque; this one is Slack's own shape, base64 of `next_ts:<ts>`. */
const cursorFor = (ts: string) => Buffer.from(`next_ts:${ts}`).toString('base64');
function tsOfCursor(cursor: string): string | undefined {
  const decoded = /^next_ts:(\d+\.\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return decoded?.[1];
}

function knownChannel(channel: string, ctx: MethodContext): boolean {
  if (ctx.workspace.channels.has(channel)) return true;
  return [...ctx.workspace.users.keys()].some((user) => ctx.workspace.dmFor(user) === channel);
}

/**
 * conversations.history: top-level messages newest first, between `oldest` and `latest` (exclusive
 * unless `inclusive`), `limit` per page (default 100, at most 999), further pages through
 * `response_metadata.next_cursor` while `has_more`; metadata only with `include_all_metadata`.
 */
export function conversationsHistory(args: Args, ctx: MethodContext): MethodResult {
  const channel = typeof args.channel === 'string' ? args.channel : '';
  if (!channel || !knownChannel(channel, ctx)) return { ok: false, error: 'channel_not_found' };
  const inclusive = flag(args.inclusive);
  const oldest = Number(args.oldest ?? 0);
  const latest = args.latest === undefined ? Infinity : Number(args.latest);
  if (Number.isNaN(oldest) || Number.isNaN(latest)) return { ok: false, error: 'invalid_ts_oldest' };
  const requested = Number(args.limit ?? DEFAULT_LIMIT);
  const limit = Math.min(
    Math.max(Number.isFinite(requested) && requested > 0 ? requested : DEFAULT_LIMIT, 1),
    MAX_LIMIT,
  );
  let before: string | undefined;
  if (typeof args.cursor === 'string' && args.cursor !== '') {
    before = tsOfCursor(args.cursor);
    if (!before) return { ok: false, error: 'invalid_cursor' };
  }

  const inRange = ctx.workspace.historyOf(channel).filter((m) => {
    const t = Number(m.ts);
    if (m.threadTs && m.threadTs !== m.ts) return false;
    if (before !== undefined && m.ts >= before) return false;
    return (inclusive ? t >= oldest : t > oldest) && (inclusive ? t <= latest : t < latest);
  });
  const page = inRange.slice(0, limit);
  const hasMore = inRange.length > page.length;
  const withMetadata = flag(args.include_all_metadata);
  return {
    ok: true,
    messages: page.map((m) => botMessage(ctx.workspace, m, withMetadata)),
    has_more: hasMore,
    pin_count: 0,
    ...(hasMore ? { response_metadata: { next_cursor: cursorFor(page.at(-1)!.ts) } } : {}),
  };
}
