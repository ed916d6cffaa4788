import { randomBytes, randomUUID } from 'node:crypto';
import { createPrismaClient } from '../../src/platform/prisma';
import { createToolMemory, canonicalJson, IDEMPOTENCY_WINDOW_MS } from '../../src/modules/send/tool-memory';
import type { PrismaClient } from '../../src/generated/prisma/client';
import type { DraftView } from '../../src/modules/send/domain/draft-view';
import { sendErrors } from '../../src/modules/send/domain/errors';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let db: TestDatabase;
let prisma: PrismaClient;
let now = new Date('2026-11-27T12:00:00Z');
const clock = { now: () => now };
const statuses = new Map<string, DraftView['status']>();

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url);
});
afterAll(async () => {
  await prisma.$disconnect();
  await db.drop();
});

const memory = () =>
  createToolMemory({
    prisma,
    hashKey: randomBytes(32).toString('hex'),
    clock,
    status: async (id) => (statuses.has(id) ? ({ id, status: statuses.get(id) } as DraftView) : undefined),
  });

const staged = (id = randomUUID()) => ({ status: 202, body: { id }, draftId: id });

/** A request that claims the key and has not answered yet (`release` lets it answer `answer`). */
async function holdKey(
  m: ReturnType<typeof memory>,
  key: string,
  hash: string,
  answer: { status: number; body: { id: string }; draftId?: string },
) {
  let release!: () => void;
  let claimed!: () => void;
  const running = new Promise<void>((r) => (claimed = r));
  const stuck = m.withKey(
    key,
    hash,
    () => true,
    () => {
      claimed();
      return new Promise((r) => (release = () => r(answer)));
    },
  );
  await running;
  return { stuck, release };
}

describe('remembered tool requests', () => {
  it('when bodies differ only in key order, then their canonical form is one', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 'é' }] })).toBe(
      canonicalJson({ a: [{ x: 'é', y: 2 }], b: 1 }),
    );
    expect(canonicalJson({ to: 'a' })).not.toBe(canonicalJson({ to: ['a'] }));
  });

  it('when a keyed answer is 24 hours old, then the key is free again', async () => {
    const m = memory();
    const hash = m.bodyHash({ a: 1 });
    let runs = 0;
    const run = async () => (runs++, staged());
    const first = await m.withKey('k1', hash, () => true, run);
    now = new Date(now.getTime() + IDEMPOTENCY_WINDOW_MS - 1000);
    expect(await m.withKey('k1', hash, () => true, run)).toEqual({ ...first, replayed: true });
    now = new Date(now.getTime() + 2000);
    expect((await m.withKey('k1', hash, () => true, run)).replayed).toBe(false);
    expect(runs).toBe(2);
  });

  it('when the first request failed in passing or its answer is not kept, then a retry with the key runs again', async () => {
    const m = memory();
    const hash = m.bodyHash({ b: 1 });
    await expect(
      m.withKey(
        'k2',
        hash,
        () => true,
        async () => {
          throw sendErrors.fail('slack_unavailable', 'down');
        },
      ),
    ).rejects.toThrow('down');
    expect(
      (
        await m.withKey(
          'k2',
          hash,
          () => false,
          async () => ({ status: 502, body: {} }),
        )
      ).status,
    ).toBe(502);
    const third = await m.withKey(
      'k2',
      hash,
      () => true,
      async () => staged(),
    );
    expect(third).toMatchObject({ status: 202, replayed: false });
  });

  it('when the request holding a key died without answering, then after two minutes the next one takes over', async () => {
    const m = memory();
    const hash = m.bodyHash({ c: 1 });
    const key = `k:${randomBytes(8).toString('hex')}`;
    // The first request claims the key and never answers, as a killed process would.
    const { stuck, release } = await holdKey(m, key, hash, staged());
    now = new Date(now.getTime() + 121_000);
    const taken = await m.withKey(
      key,
      hash,
      () => true,
      async () => staged(),
    );
    expect(taken.replayed).toBe(false);
    release();
    await stuck;
  });

  it('when the request holding a key fell silent (killed), then the next takes over at once, and the first can no longer answer for the key', async () => {
    const m = memory();
    const hash = m.bodyHash({ d: 1 });
    const key = `k:${randomBytes(8).toString('hex')}`;
    const { stuck, release } = await holdKey(m, key, hash, { status: 202, body: { id: 'first' } });
    // A killed process stops refreshing its row; the clock has not moved (no two-minute wait).
    await prisma.$executeRaw`UPDATE tool_requests SET alive_at = now() - interval '11 seconds'`;
    const taken = await m.withKey(
      key,
      hash,
      () => true,
      async () => ({ status: 202, body: { id: 'heir' } }),
    );
    expect(taken).toMatchObject({ replayed: false, body: { id: 'heir' } });
    release();
    await stuck;
    // The first request's late answer did not overwrite its heir's.
    const replay = await m.withKey(
      key,
      hash,
      () => true,
      async () => staged(),
    );
    expect(replay).toMatchObject({ replayed: true, body: { id: 'heir' }, text: '{"id":"heir"}' });
  });

  it('when an identical request takes over from one that died after staging, then it answers with that draft', async () => {
    const found = {
      id: randomUUID(),
      expiresAt: new Date(now.getTime() + 900_000),
      previewKind: 'ephemeral' as const,
    };
    const hashes: string[] = [];
    const m = createToolMemory({
      prisma,
      hashKey: randomBytes(32).toString('hex'),
      clock,
      status: async () => undefined,
      staged: async (h) => (hashes.push(h), found),
    });
    let runs = 0;
    const stage = m.dedupe(async () => {
      runs += 1;
      return { ...found, id: randomUUID() };
    });
    const req = { triggerTs: '2.2', to: ['a@b.com'], cc: [], bcc: [], subject: 's', body: 'b' };
    expect(await stage(req)).toEqual(found);
    expect(runs).toBe(0);
    expect(hashes).toHaveLength(1);
  });

  it('when an identical request finds its draft no longer pending, then it stages anew', async () => {
    const m = memory();
    let runs = 0;
    const stage = m.dedupe(async () => {
      runs += 1;
      const id = randomUUID();
      statuses.set(id, 'pending_confirmation');
      return { id, expiresAt: new Date(now.getTime() + 900_000), previewKind: 'ephemeral' };
    });
    const req = { triggerTs: '1.1', to: ['a@b.com'], cc: [], bcc: [], subject: 's', body: 'b' };
    const first = await stage(req);
    expect(await stage(req)).toEqual(first);
    statuses.set(first.id, 'cancelled');
    const again = await stage(req);
    expect(again.id).not.toBe(first.id);
    expect(await stage({ ...req, body: 'other' })).not.toMatchObject({ id: again.id });
    expect(runs).toBe(3);
  });
});
