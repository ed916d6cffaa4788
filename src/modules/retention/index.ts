import type { FastifyInstance } from 'fastify';
import type { RefreshHome } from '../../shared/home-refresh';
import type { PairingPurge, TriggerPurge } from './domain/ports';
import { createPurges } from './domain/purge';
import { createRetentionStore } from './retention-store';
import { registerRetentionJobs } from './jobs';

/** Keeps data only as long as it serves: hourly jobs purge what has outlived its retention. */
export default function retentionModule(
  app: FastifyInstance,
  deps: { triggers: TriggerPurge; connect: PairingPurge; refreshHome: RefreshHome },
): void {
  const purges = createPurges({
    triggers: deps.triggers,
    pairings: deps.connect,
    store: createRetentionStore(app.prisma, deps.refreshHome),
    clock: app.clock,
    draftRetentionDays: app.config.DRAFT_RETENTION_DAYS,
    auditRetentionDays: app.config.AUDIT_RETENTION_DAYS,
  });
  registerRetentionJobs(app, purges);
}
