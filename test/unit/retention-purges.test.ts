import { createPurges } from '../../src/modules/retention/domain/purge';

const NOW = new Date('2026-03-10T12:00:00Z');
const daysBefore = (days: number) => new Date(NOW.getTime() - days * 24 * 3_600_000);

function setup(backlog: { drafts?: number; audit?: number } = {}) {
  const calls: Array<[string, Date, number?]> = [];
  let drafts = backlog.drafts ?? 0;
  let audit = backlog.audit ?? 0;
  const take = (left: number, batch: number) => Math.min(left, batch);
  const purges = createPurges({
    clock: { now: () => NOW },
    draftRetentionDays: 2,
    auditRetentionDays: 30,
    triggers: { purgeOlderThan: async (cutoff) => (calls.push(['triggers', cutoff]), 3) },
    pairings: { purgeExpiredPairings: async (before) => (calls.push(['pairings', before]), 1) },
    store: {
      async purgeDraftContent(cutoff, batch) {
        calls.push(['drafts', cutoff, batch]);
        const n = take(drafts, batch);
        drafts -= n;
        return n;
      },
      async purgeAudit(cutoff, batch) {
        calls.push(['audit', cutoff, batch]);
        const n = take(audit, batch);
        audit -= n;
        return n;
      },
    },
  });
  return { purges, calls };
}

describe('retention purges', () => {
  it('when triggers are purged, then those older than 7 days go, and pairings expired over a day ago', async () => {
    const { purges, calls } = setup();
    expect(await purges.purgeTriggers()).toEqual({ purged: 3, pairingsPurged: 1 });
    expect(calls).toEqual([
      ['triggers', daysBefore(7)],
      ['pairings', daysBefore(1)],
    ]);
  });

  it('when a backlog exceeds one statement, then it is purged in bounded batches until a short one', async () => {
    const { purges, calls } = setup({ drafts: 1_200, audit: 10 });
    expect(await purges.purgeRetention()).toEqual({ draftsPurged: 1_200, auditPurged: 10 });
    const draftCalls = calls.filter(([what]) => what === 'drafts');
    expect(draftCalls).toHaveLength(3);
    expect(draftCalls.every(([, cutoff, batch]) => +cutoff === +daysBefore(2) && batch === 500)).toBe(true);
    expect(calls.filter(([what]) => what === 'audit')).toEqual([['audit', daysBefore(30), 500]]);
  });

  it('when the backlog is huge, then one run stops after 40 statements and leaves the rest for the next', async () => {
    const { purges } = setup({ drafts: 100_000 });
    expect((await purges.purgeRetention()).draftsPurged).toBe(20_000);
  });
});
