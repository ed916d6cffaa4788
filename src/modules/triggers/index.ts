import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { TriggersModule } from './api';
import { createRecordTrigger } from './domain/record-trigger';
import { createTriggerRepo } from './trigger-store';
import { registerTriggerRecorder } from './slack';

export type { TriggersModule } from './api';

/** Records the Slack messages that may start an email, in front of every other Slack listener. */
export default function triggersModule(app: FastifyInstance): TriggersModule {
  const store = createTriggerRepo(app.prisma);
  registerTriggerRecorder(app.slack.app, {
    record: createRecordTrigger({ store }),
    log: app.log.child({ component: 'triggers' }) as Logger,
    metrics: app.metrics,
  });
  return { findByTs: store.findByTs, purgeOlderThan: store.purgeOlderThan };
}
