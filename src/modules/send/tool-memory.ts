import { setTimeout as sleep } from 'node:timers/promises';
import type { PrismaClient } from '../../generated/prisma/client';
import { hmacHex } from '../../shared/crypto';
import type { Clock } from '../../shared/clock';
import { sendErrors } from './domain/errors';
import type { DraftView } from './domain/draft-view';
import type { StageDraft, StageRequest, StagedDraft } from './domain/stage-draft';

/** An answer as the tool API sends it: the status and the JSON body. */
export interface ToolAnswer {
  status: number;
  body: unknown;
  /** The draft the answer staged, if any. */
  draftId?: string;
}

/** How long an Idempotency-Key is remembered. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3600_000;
/** A claimed key without an answer for this long belongs to a request that died; the next one takes over. */
const ABANDONED_AFTER_MS = 120_000;
const POLL_MS = 40;

const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;

/** The Idempotency-Key header: absent, or 1 to 255 printable ASCII characters (400 otherwise). */
export function idempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !IDEMPOTENCY_KEY.test(header)) {
    throw sendErrors.fail(
      'invalid_idempotency_key',
      'the Idempotency-Key header must be one value of 1 to 255 printable ASCII characters',
      { details: { field: 'Idempotency-Key' } },
    );
  }
  return header;
}

/** JSON with object keys sorted at every level: two bodies that differ only in key order or spacing are one. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What makes two send_email requests identical: the trigger as given and the content, field by field. */
const identity = (r: StageRequest) =>
  canonicalJson({
    trigger: [r.triggerTs, r.channelId ?? null],
    to: r.to,
    cc: r.cc,
    bcc: r.bcc,
    subject: r.subject,
    body: r.body,
    in_reply_to: r.inReplyTo ?? null,
  });

interface Row {
  body_hash: string;
  status_code: number | null;
  answer: unknown;
  draft_id: string | null;
  created_at: Date;
  expires_at: Date;
}

/**
 * Remembered tool requests (table tool_requests). Inserting a key's row claims it (the primary key decides
 * between parallel requests, never a read-then-write); the others wait for its answer and replay it.
 */
export function createToolMemory(deps: {
  prisma: PrismaClient;
  hashKey: string;
  clock: Clock;
  status(id: string): Promise<DraftView | undefined>;
}) {
  const { prisma, clock } = deps;
  const hash = (purpose: string, text: string) => hmacHex(deps.hashKey, 'tool-request', purpose, text);

  /** The row's answer to replay, 'again' when the row was cleared and the key can be claimed anew. */
  async function settled(key: string, bodyHash: string, live: (row: Row) => Promise<boolean>) {
    for (;;) {
      const [row] = await prisma.$queryRaw<Row[]>`
        SELECT body_hash, status_code, answer, draft_id, created_at, expires_at FROM tool_requests WHERE key = ${key}`;
      if (!row) return 'again' as const;
      const now = clock.now().getTime();
      const abandoned = row.status_code === null && now - row.created_at.getTime() > ABANDONED_AFTER_MS;
      if (row.expires_at.getTime() <= now || abandoned || (row.status_code !== null && !(await live(row)))) {
        await prisma.$executeRaw`DELETE FROM tool_requests WHERE key = ${key} AND created_at = ${row.created_at}`;
        return 'again' as const;
      }
      if (row.body_hash !== bodyHash) {
        throw sendErrors.fail(
          'idempotency_key_reused',
          'this Idempotency-Key was already used in the last 24 hours for a request with another body; use a new key for another email',
          { details: { field: 'Idempotency-Key' } },
        );
      }
      if (row.status_code !== null) {
        return {
          status: row.status_code,
          body: row.answer,
          draftId: row.draft_id ?? undefined,
        } as ToolAnswer;
      }
      await sleep(POLL_MS);
    }
  }

  /**
   * The answer of the first request with `key`, run once: `run` answers it, and its answer is kept when
   * `keep` says so (otherwise the key is freed for a retry). A later request with the key gets the kept
   * answer while `live` holds, or waits while the first is still running.
   */
  async function once(
    key: string,
    bodyHash: string,
    ttlMs: (answer: ToolAnswer) => number,
    run: () => Promise<ToolAnswer>,
    live: (row: Row) => Promise<boolean> = async () => true,
  ): Promise<ToolAnswer & { replayed: boolean }> {
    for (;;) {
      const claimUntil = new Date(clock.now().getTime() + IDEMPOTENCY_WINDOW_MS);
      const claimed = await prisma.$executeRaw`
        INSERT INTO tool_requests (key, body_hash, created_at, expires_at)
        VALUES (${key}, ${bodyHash}, ${clock.now()}, ${claimUntil}) ON CONFLICT (key) DO NOTHING`;
      if (claimed === 1) {
        // Expired rows go a few at a time with each new request: the table holds about a day of requests.
        await prisma.$executeRaw`
          DELETE FROM tool_requests WHERE key IN (
            SELECT key FROM tool_requests WHERE expires_at < ${clock.now()} ORDER BY expires_at LIMIT 20)`;
        let answer: ToolAnswer | undefined;
        try {
          answer = await run();
        } finally {
          const ttl = answer ? ttlMs(answer) : 0;
          if (answer && ttl > 0) {
            await prisma.$executeRaw`
              UPDATE tool_requests SET status_code = ${answer.status}, answer = ${JSON.stringify(answer.body)}::jsonb,
                     draft_id = ${answer.draftId ?? null}::uuid, expires_at = ${new Date(clock.now().getTime() + ttl)}
               WHERE key = ${key}`;
          } else {
            await prisma.$executeRaw`DELETE FROM tool_requests WHERE key = ${key} AND status_code IS NULL`;
          }
        }
        return { ...answer, replayed: false };
      }
      const kept = await settled(key, bodyHash, live);
      if (kept !== 'again') return { ...kept, replayed: true };
    }
  }

  const pending = async (row: Row) =>
    row.draft_id !== null && (await deps.status(row.draft_id))?.status === 'pending_confirmation';

  return {
    /** The keyed hash of a request body in canonical form. */
    bodyHash: (body: unknown) => hash('body', canonicalJson(body)),
    /** A request with an Idempotency-Key: one answer per key and body for 24 hours. */
    withKey: (
      idemKey: string,
      bodyHash: string,
      keep: (a: ToolAnswer) => boolean,
      run: () => Promise<ToolAnswer>,
    ) => once(`k:${hash('key', idemKey)}`, bodyHash, (a) => (keep(a) ? IDEMPOTENCY_WINDOW_MS : 0), run),
    /** Staging that answers an identical request with the draft it staged while that draft is pending. */
    dedupe(stage: StageDraft): StageDraft {
      return async (req) => {
        const key = `c:${hash('identical', identity(req))}`;
        const answer = await once(
          key,
          key,
          (a) => Math.max(0, Date.parse((a.body as { expiresAt: string }).expiresAt) - clock.now().getTime()),
          async () => {
            const staged = await stage(req);
            return { status: 202, body: staged, draftId: staged.id };
          },
          pending,
        );
        const staged = answer.body as StagedDraft & { expiresAt: string | Date };
        return { ...staged, expiresAt: new Date(staged.expiresAt) };
      };
    },
  };
}

export type ToolMemory = ReturnType<typeof createToolMemory>;
