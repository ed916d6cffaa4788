import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PrismaClient } from '../../generated/prisma/client';
import { hmacHex } from '../../shared/crypto';
import type { Clock } from '../../shared/clock';
import { sendErrors } from './domain/errors';
import type { DraftView } from './domain/draft-view';
import type { StageDraft, StagedDraft } from './domain/stage-draft';
import { canonicalJson, requestIdentity } from './tool-request-identity';

export { canonicalJson, idempotencyKey } from './tool-request-identity';

/** An answer as the tool API sends it: the status, the JSON body and the exact text sent. */
export interface ToolAnswer {
  status: number;
  body: unknown;
  /** The body as sent the first time; a replay sends these very bytes. */
  text?: string;
  /** The draft the answer staged, if any. */
  draftId?: string;
}

/** How long an Idempotency-Key is remembered. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3600_000;
/** A claimed key without an answer for this long belongs to a request that died; the next one takes over. */
const ABANDONED_AFTER_MS = 120_000;
/** The request holding a key says it is alive this often; silent for SILENT_AFTER, it died (kill -9). */
const ALIVE_EVERY_MS = 2_000;
const SILENT_AFTER = '10 seconds';
const POLL_MS = 40;

interface Row {
  body_hash: string;
  status_code: number | null;
  answer: string | null;
  draft_id: string | null;
  claim: string;
  created_at: Date;
  expires_at: Date;
  silent: boolean;
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
  /**
   * The pending draft an earlier run of the identical request staged (its request hash is on the draft)
   * before it died without answering, when its preview was posted; one whose preview was never recorded
   * is retired, as its preview may or may not have reached the person.
   */
  staged?(requestHash: string): Promise<StagedDraft | undefined>;
  /** The channel of the one message with this ts, for a request that names none (else undefined). */
  channelOf?(triggerTs: string): Promise<string | undefined>;
}) {
  const { prisma, clock } = deps;
  const hash = (purpose: string, text: string) => hmacHex(deps.hashKey, 'tool-request', purpose, text);

  /** The row's answer to replay, 'again' when the row was cleared and the key can be claimed anew. */
  async function settled(key: string, bodyHash: string, live: (row: Row) => Promise<boolean>) {
    for (;;) {
      const [row] = await prisma.$queryRaw<Row[]>`
        SELECT body_hash, status_code, answer, draft_id, claim::text AS claim, created_at, expires_at,
               alive_at < now() - ${SILENT_AFTER}::interval AS silent
          FROM tool_requests WHERE key = ${key}`;
      if (!row) return 'again' as const;
      const now = clock.now().getTime();
      const abandoned =
        row.status_code === null && (row.silent || now - row.created_at.getTime() > ABANDONED_AFTER_MS);
      if (row.expires_at.getTime() <= now || abandoned || (row.status_code !== null && !(await live(row)))) {
        await prisma.$executeRaw`DELETE FROM tool_requests WHERE key = ${key} AND claim = ${row.claim}::uuid`;
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
        const text = row.answer ?? 'null';
        return { status: row.status_code, body: JSON.parse(text), text, draftId: row.draft_id ?? undefined };
      }
      await sleep(POLL_MS);
    }
  }

  /**
   * The answer of the first request with `key`, run once: `run` answers it, and its answer is kept for
   * `ttlMs` (0: the key is freed for a retry). A later request with the key gets the kept answer while
   * `live` holds, or waits while the first is still running. Only the claim that inserted the row (its
   * claim id) answers or frees it: a request taken over after it fell silent cannot overwrite its heir.
   */
  async function once(
    key: string,
    bodyHash: string,
    ttlMs: (answer: ToolAnswer) => number,
    run: () => Promise<ToolAnswer>,
    live: (row: Row) => Promise<boolean> = async () => true,
  ): Promise<ToolAnswer & { replayed: boolean }> {
    for (;;) {
      const claimedAt = clock.now();
      const claim = randomUUID();
      const claimUntil = new Date(claimedAt.getTime() + IDEMPOTENCY_WINDOW_MS);
      const claimed = await prisma.$executeRaw`
        INSERT INTO tool_requests (key, body_hash, claim, created_at, expires_at)
        VALUES (${key}, ${bodyHash}, ${claim}::uuid, ${claimedAt}, ${claimUntil}) ON CONFLICT (key) DO NOTHING`;
      if (claimed === 1) {
        // Expired rows go a few at a time with each new request: the table holds about a day of requests.
        await prisma.$executeRaw`
          DELETE FROM tool_requests WHERE key IN (
            SELECT key FROM tool_requests WHERE expires_at < ${clock.now()} ORDER BY expires_at LIMIT 20)`;
        const alive = setInterval(() => {
          prisma.$executeRaw`UPDATE tool_requests SET alive_at = now()
                              WHERE key = ${key} AND claim = ${claim}::uuid`.catch(() => undefined);
        }, ALIVE_EVERY_MS);
        alive.unref();
        let answer: ToolAnswer | undefined;
        try {
          answer = await run();
          answer = { ...answer, text: JSON.stringify(answer.body) };
        } finally {
          clearInterval(alive);
          const ttl = answer ? ttlMs(answer) : 0;
          if (answer && ttl > 0) {
            await prisma.$executeRaw`
              UPDATE tool_requests SET status_code = ${answer.status}, answer = ${answer.text},
                     draft_id = ${answer.draftId ?? null}::uuid, expires_at = ${new Date(clock.now().getTime() + ttl)}
               WHERE key = ${key} AND claim = ${claim}::uuid`;
          } else {
            await prisma.$executeRaw`
              DELETE FROM tool_requests WHERE key = ${key} AND claim = ${claim}::uuid AND status_code IS NULL`;
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
    /**
     * Staging that answers an identical request with the draft it staged while that draft is pending. The
     * request's hash goes on the draft (in the draft's own INSERT), so a run that takes over from one that
     * died after staging answers with that draft instead of showing a second preview.
     */
    dedupe(stage: StageDraft): StageDraft {
      return async (req) => {
        const channel = req.channelId ?? (await deps.channelOf?.(req.triggerTs));
        const requestHash = hash('identical', requestIdentity(req, channel));
        const key = `c:${requestHash}`;
        const answer = await once(
          key,
          key,
          (a) => Math.max(0, Date.parse((a.body as { expiresAt: string }).expiresAt) - clock.now().getTime()),
          async () => {
            const staged = (await deps.staged?.(requestHash)) ?? (await stage({ ...req, requestHash }));
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
