import { randomBytes, randomUUID } from 'node:crypto';
import { createPrismaClient } from '../../src/platform/prisma';
import { createSealer } from '../../src/shared/crypto';
import { createDraftStore } from '../../src/modules/send/draft-store';
import { createTriggerRepo } from '../../src/modules/triggers/trigger-store';
import { previewBackoffMs } from '../../src/modules/send/domain/types';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { createActiveConnection, createTestDatabase, type TestDatabase } from '../helpers/database';
import { HELLO_CONTENT, newDraft } from '../helpers/send-fakes';

let db: TestDatabase;
let prisma: PrismaClient;
let connectionId: string;
const sealer = createSealer({ current: 'v1', keys: new Map([['v1', randomBytes(32)]]) });

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url);
  const connection = await createActiveConnection(prisma);
  connectionId = connection.id;
});
afterAll(async () => {
  await prisma.$disconnect();
  await db.drop();
});

async function finishedDraft(status: string, previewOutcome: string | null = null): Promise<string> {
  const id = randomUUID();
  await prisma.emailDraft.create({
    data: {
      id,
      teamId: 'T1',
      userId: 'U1',
      connectionId,
      channelId: 'C1',
      triggerTs: '1.1',
      recipientCount: 1,
      status,
      previewOutcome,
      messageIdHeader: `<${id}@example.com>`,
      expiresAt: new Date(Date.now() + 60_000),
    },
  });
  return id;
}

describe('preview repair lookups in Postgres', () => {
  it('when a telling failed, then the draft waits out its backoff and is listed after untried ones', async () => {
    const repo = createDraftStore(prisma, sealer);
    const tried = await finishedDraft('sent');
    const untried = await finishedDraft('failed');
    await finishedDraft('sent', 'sent');
    const window = [new Date(Date.now() - 3_600_000), new Date(Date.now() + 1_000)] as const;
    const ids = async (now: Date) => (await repo.listUnshownOutcomes(...window, now, 10)).map((d) => d.id);

    expect(new Set(await ids(new Date()))).toEqual(new Set([tried, untried]));
    await repo.recordPreviewTry(tried, 'sent', false);
    expect(await ids(new Date())).toEqual([untried]);
    await repo.recordPreviewTry(untried, 'failed', false);
    const later = new Date(Date.now() + previewBackoffMs(1) + 1_000);
    expect(await ids(later)).toEqual([tried, untried]);

    await repo.recordPreviewTry(untried, 'failed', true);
    expect(await ids(later)).toEqual([tried]);
    const row = await prisma.emailDraft.findUnique({ where: { id: tried } });
    expect(row).toMatchObject({ previewTries: 1, previewOutcome: null });
  });
});

describe('draft content in Postgres', () => {
  const content = HELLO_CONTENT;

  it('when a draft is stored, then its content is sealed at rest and opens back only through the store', async () => {
    const drafts = createDraftStore(prisma, sealer);
    const id = randomUUID();
    await drafts.create(
      newDraft(new Date(), {
        id,
        connectionId,
        triggerTs: '1.2',
        messageIdHeader: `<${id}@example.com>`,
        expiresAt: new Date(Date.now() + 60_000),
      }),
      content,
    );
    const row = await prisma.emailDraft.findUnique({ where: { id } });
    expect(Buffer.from(row!.sealedContent!).toString('latin1')).not.toContain('Hi Bob');
    const draft = (await drafts.findById(id))!;
    expect(drafts.openContent(draft)).toEqual(content);
    // Bound to its draft: the same ciphertext under another id does not open.
    expect(() => drafts.openContent({ ...draft, id: randomUUID() })).toThrow();
  });

  it('when retention purged a draft, then opening its content fails', async () => {
    const drafts = createDraftStore(prisma, sealer);
    const draft = (await drafts.findById(await finishedDraft('sent')))!;
    expect(() => drafts.openContent(draft)).toThrow('purged');
  });
});

describe('trigger rows in Postgres', () => {
  const row = (over: Record<string, unknown>) => ({
    teamId: 'T0',
    channelId: 'C1',
    ts: '1712345678.000100',
    threadTs: null,
    userId: 'U9',
    botId: null,
    authorTeamId: null,
    authorIsMember: true as boolean | null,
    isBot: false,
    eventType: 'app_mention',
    ...over,
  });
  const read = (ts: string) =>
    prisma.triggerMessage.findMany({ where: { ts }, select: { authorTeamId: true, authorIsMember: true } });

  it('when the app_mention comes first and the message naming another workspace second, then the row says foreign', async () => {
    const triggers = createTriggerRepo(prisma);
    const ts = '1712345678.000200';
    await triggers.record(row({ ts }));
    await triggers.record(row({ ts, eventType: 'message', authorTeamId: 'T9', authorIsMember: false }));
    await triggers.record(row({ ts }));
    expect(await read(ts)).toEqual([{ authorTeamId: 'T9', authorIsMember: false }]);
  });

  it('when an unknown author is later named a member, then the row says member; never the reverse of foreign', async () => {
    const triggers = createTriggerRepo(prisma);
    const ts = '1712345678.000300';
    await triggers.record(row({ ts, authorIsMember: null }));
    expect(await read(ts)).toEqual([{ authorTeamId: null, authorIsMember: null }]);
    await triggers.record(row({ ts, eventType: 'message', authorTeamId: 'T0', authorIsMember: true }));
    expect(await read(ts)).toEqual([{ authorTeamId: 'T0', authorIsMember: true }]);
  });

  it('when a machine still on older code records a trigger during a rolling deploy, then its author counts as a member', async () => {
    const ts = '1712345678.000400';
    await prisma.$executeRaw`
      INSERT INTO trigger_messages (id, team_id, channel_id, ts, user_id, is_bot, event_type, created_at)
      VALUES (${randomUUID()}, 'T0', 'C1', ${ts}, 'U9', false, 'message', now())`;
    expect(await read(ts)).toEqual([{ authorTeamId: null, authorIsMember: true }]);
  });
});
