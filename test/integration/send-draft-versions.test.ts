import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSealer } from '../../src/shared/crypto';
import { createDraftStore } from '../../src/modules/send/draft-store';
import { createActiveConnection, useMigratedPrisma } from '../helpers/database';
import { HELLO_CONTENT, newDraft } from '../helpers/send-fakes';

const database = useMigratedPrisma();
let connectionId: string;
const sealer = createSealer({ current: 'v1', keys: new Map([['v1', randomBytes(32)]]) });

beforeAll(async () => {
  connectionId = (await createActiveConnection(database.prisma)).id;
});

async function staged(store: ReturnType<typeof createDraftStore>) {
  const now = new Date();
  const id = randomUUID();
  await store.create(
    { ...newDraft(now), id, connectionId, expiresAt: new Date(now.getTime() + 60_000) },
    HELLO_CONTENT,
  );
  return (await store.findById(id))!;
}

const jitter = () => sleep(Math.floor(Math.random() * 4));

describe('draft versions in Postgres', () => {
  it('when an edit is saved, then the content is sealed anew, the version grows and an email.edited event is written', async () => {
    const events: string[] = [];
    const store = createDraftStore(database.prisma, sealer, async (id) => {
      events.push(id);
    });
    const draft = await staged(store);
    expect(draft).toMatchObject({ version: 1, editedAt: null });
    const at = new Date();
    const next = {
      ...HELLO_CONTENT,
      to: [...HELLO_CONTENT.to, { address: 'c@example.com' }],
      body: 'Edited',
    };
    const edited = (await store.edit(draft, next, at))!;
    expect(edited).toMatchObject({ version: 2, editedAt: at, recipientCount: 2, status: 'pending' });
    expect(store.openContent(edited)).toEqual(next);
    expect(events).toEqual([`${draft.id}:edited:2`]);
    expect(await database.prisma.outcomeEvent.findUnique({ where: { id: events[0] } })).toMatchObject({
      type: 'email.edited',
      draftId: draft.id,
      recipientCount: 2,
    });
    // The same version cannot be edited twice: the second save names a version that is gone.
    expect(await store.edit(draft, HELLO_CONTENT, new Date())).toBeUndefined();
    expect(store.openContent((await store.findById(draft.id))!)).toEqual(next);
  });

  it('when a Send claim and an edit race (random timing, 20 rounds), then exactly one wins and a claim never takes an unseen version', async () => {
    const store = createDraftStore(database.prisma, sealer);
    for (let round = 0; round < 20; round++) {
      const draft = await staged(store);
      const [claimed, edited] = await Promise.all([
        jitter().then(() =>
          store.transition(
            draft.id,
            ['pending'],
            'sending',
            { claimedAt: new Date() },
            { unexpiredAt: new Date(), version: 1 },
          ),
        ),
        jitter().then(() => store.edit(draft, { ...HELLO_CONTENT, body: `edit ${round}` }, new Date())),
      ]);
      const row = (await store.findById(draft.id))!;
      expect([claimed, edited !== undefined]).toContainEqual(true);
      expect(claimed && edited !== undefined).toBe(false);
      if (claimed) expect(row).toMatchObject({ status: 'sending', version: 1 });
      else expect(row).toMatchObject({ status: 'pending', version: 2 });
      expect(store.openContent(row).body).toBe(claimed ? HELLO_CONTENT.body : `edit ${round}`);
    }
  });
});
