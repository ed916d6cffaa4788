import type { Clock } from '../../../shared/clock';
import type { PairingPurge, RetentionStore, TriggerPurge } from './ports';

const DAY_MS = 24 * 3_600_000;
/** Triggers start an email for 24 hours; they are kept a week for support questions. */
export const TRIGGER_RETENTION_DAYS = 7;
/** Spent or expired pairings (and their OAuth attempts, by cascade) are kept a day for support questions. */
const PAIRING_RETENTION_DAYS = 1;
/** Rows per statement, and statements per run: a backlog drains over several hourly runs, never in one long job. */
const RETENTION_BATCH = 500;
const RETENTION_MAX_BATCHES = 40;

async function inBatches(step: (batch: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (let i = 0; i < RETENTION_MAX_BATCHES; i += 1) {
    const done = await step(RETENTION_BATCH);
    total += done;
    if (done < RETENTION_BATCH) break;
  }
  return total;
}

export interface PurgeDeps {
  triggers: TriggerPurge;
  pairings: PairingPurge;
  store: RetentionStore;
  clock: Clock;
  draftRetentionDays: number;
  auditRetentionDays: number;
}

/** What is kept, and for how long: each purge deletes what has outlived its retention, and says how much. */
export function createPurges(deps: PurgeDeps) {
  const daysAgo = (days: number) => new Date(deps.clock.now().getTime() - days * DAY_MS);
  return {
    async purgeTriggers() {
      const purged = await deps.triggers.purgeOlderThan(daysAgo(TRIGGER_RETENTION_DAYS));
      const pairingsPurged = await deps.pairings.purgeExpiredPairings(daysAgo(PAIRING_RETENTION_DAYS));
      return { purged, pairingsPurged };
    },
    /** Finished drafts lose their content, old audit rows go. */
    async purgeRetention() {
      const draftCutoff = daysAgo(deps.draftRetentionDays);
      const auditCutoff = daysAgo(deps.auditRetentionDays);
      const draftsPurged = await inBatches((batch) => deps.store.purgeDraftContent(draftCutoff, batch));
      const auditPurged = await inBatches((batch) => deps.store.purgeAudit(auditCutoff, batch));
      return { draftsPurged, auditPurged };
    },
  };
}

export type Purges = ReturnType<typeof createPurges>;
